//! A planned tag -> its module: a handle type with one method per operation, each returning a
//! request builder. A builder holds the arguments, has a setter per optional query parameter,
//! and is sent with `.await` (it is `IntoFuture`) or `.send()`; list builders also `stream()`
//! every item and `count()` them.
//!
//! Every builder has a private `request` function that builds the request, so the wire format
//! of an operation is decided in exactly one place; sending and decoding are generic runtime
//! functions, so no builder has an `async` body of its own.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::plan::{
    ArgLocation, ArgPlan, BodyEncoding, BodyPlan, OperationPlan, Output, QueryEncoding, RustTy,
    TagPlan,
};
use crate::ir::Method;
// Interpolated, a runtime name prints its path: `#send` is `runtime::send`.
use crate::emit::runtime_api::rt::{
    Accepted, ApiRequest, Client, Error, FieldError, ItemStream, MultipartBody, Page, RawBody,
    ResponseFuture, WaitError, WaitPolicy, decode, form_fields, mock, mock_operation, order_state,
    paging, path_param, request_builder, send, stream_items, wait_for,
};

use super::docs::{doc_attrs, escape_inline, raw_doc_attrs};
use super::tokens::{arg, arg_into, ident, ty};

/// The items of a tag module (after its module docs), in chunks of a few items each: the
/// handle, one chunk per builder, the mock handle. The chunks are parsed one by one, so no
/// token stream of a whole file is ever built.
pub fn render_tag(tag: &TagPlan, accessor: &str) -> Vec<TokenStream> {
    let handle = ident(&tag.handle);
    let methods = tag.operations.iter().map(|op| handle_method(tag, op));
    let doc = format!(
        " Operations of the `{}` tag, reached through [`crate::Client::{accessor}`].",
        tag.tag
    );
    let mut chunks = vec![quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Copy)]
        pub struct #handle<'a> {
            pub(crate) client: &'a #Client,
        }

        impl<'a> #handle<'a> {
            #(#methods)*
        }
    }];
    chunks.extend(tag.operations.iter().map(|op| builder(tag, op)));
    chunks.push(mock_handle(tag));
    chunks
}

/// The tag's mock handle (feature `mock`): one method per operation, taking the same path
/// and required query arguments as the real one and returning a typed expectation.
fn mock_handle(tag: &TagPlan) -> TokenStream {
    let handle = ident(&tag.mock_handle);
    // Each method comes from the runtime's `mock_operation!`: its name and arguments (each
    // with the matcher and wire name it is checked by), what it returns, and the operation.
    let methods = tag.operations.iter().map(|op| {
        let name = ident(&op.method);
        let out = output_type(&op.output);
        let verb = ident(op.http_method.as_str());
        let template = &op.path;
        let operation_id = &op.operation_id;
        let status = op.success_status;
        let args = op
            .args
            .iter()
            .filter(|a| !matches!(a.ty, RustTy::Vec(..)))
            .map(|a| {
                let id = ident(&a.ident);
                let t = match &a.ty {
                    RustTy::String => quote!(str),
                    other => ty(other),
                };
                let matcher = ident(match a.location {
                    ArgLocation::Path => "path_param",
                    ArgLocation::Query => "query",
                });
                let wire = &a.wire;
                quote!(#id: &#t = #matcher #wire)
            });
        quote! {
            #mock_operation!(
                #name(#(#args),*) -> #out = #verb #template #operation_id #status
            );
        }
    });
    let doc = format!(
        " Expectations for the operations of the `{}` tag on a mock server (feature `mock`).",
        tag.tag
    );
    quote! {
        #[doc = #doc]
        #[cfg(feature = "mock")]
        #[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
        #[derive(Debug, Clone, Copy)]
        pub struct #handle<'a> {
            pub(crate) server: &'a #mock::MockServer,
        }

        #[cfg(feature = "mock")]
        impl<'a> #handle<'a> {
            #(#methods)*
        }
    }
}

/// The docs of a handle method: the spec's title and description, then what the generator
/// knows (method and path, documented responses, what to do with the builder).
fn op_docs(op: &OperationPlan) -> TokenStream {
    let mut spec: Vec<String> = Vec::new();
    if let Some(t) = &op.docs.title {
        spec.push(t.clone());
    }
    if let Some(d) = &op.docs.description
        && op.docs.title.as_deref() != Some(d.trim())
    {
        spec.push(d.clone());
    }
    let mut generated = vec![format!(
        "`{} {}` (operation `{}`).",
        op.http_method.as_str(),
        op.path,
        op.operation_id
    )];
    let statuses: Vec<String> = op
        .docs
        .responses
        .iter()
        .map(|(status, description)| {
            let label = if *status == 0 {
                "default".to_string()
            } else {
                status.to_string()
            };
            match description {
                Some(d) if !d.trim().is_empty() => format!("- `{label}`: {}", escape_inline(d)),
                _ => format!("- `{label}`"),
            }
        })
        .collect();
    if !statuses.is_empty() {
        generated.push(format!("Documented responses:\n{}", statuses.join("\n")));
    }
    generated.push(format!(
        "Returns a [`{}`]: set optional parameters on it, then `.await` it.",
        op.builder
    ));
    let spec = doc_attrs(&spec);
    let gap = (!spec.is_empty()).then(|| quote!(#[doc = ""]));
    let generated = raw_doc_attrs(&generated);
    quote!(#spec #gap #generated)
}

/// The handle method: takes the path parameters, required query parameters and a required
/// body, returns the builder.
fn handle_method(tag: &TagPlan, op: &OperationPlan) -> TokenStream {
    let name = ident(&op.method);
    let builder = ident(&op.builder);
    let mut params = Vec::new();
    let mut inits = Vec::new();
    for a in &op.args {
        let id = ident(&a.ident);
        let t = arg_type(&a.ty);
        params.push(quote!(#id: #t));
        let v = arg_value(&a.ty, &id);
        if id == v.to_string() {
            inits.push(quote!(#id));
        } else {
            inits.push(quote!(#id: #v));
        }
    }
    for s in &op.setters {
        let id = ident(&s.ident);
        inits.push(quote!(#id: Default::default()));
    }
    let unchecked = ident(&op.unchecked_query.field);
    inits.push(quote!(#unchecked: Vec::new()));
    if let Some(b) = &op.body {
        let id = ident(&b.ident);
        if b.required {
            let t = ty(&b.ty);
            params.push(quote!(#id: #t));
            inits.push(quote!(#id));
        } else {
            inits.push(quote!(#id: None));
        }
    }
    let docs = op_docs(op);
    let deprecated = op.docs.deprecated.then(|| quote!(#[deprecated]));
    let _ = tag;
    quote! {
        #docs
        #deprecated
        #[inline]
        pub fn #name(&self, #(#params),*) -> #builder {
            #builder {
                client: self.client.clone(),
                #(#inits,)*
            }
        }
    }
}

/// An argument's type: a list argument takes any iterable.
fn arg_type(t: &RustTy) -> TokenStream {
    match t {
        RustTy::Vec(item, _) => {
            let item = arg(item);
            quote!(impl IntoIterator<Item = #item>)
        }
        other => arg(other),
    }
}

fn arg_value(t: &RustTy, id: &proc_macro2::Ident) -> TokenStream {
    match t {
        RustTy::Vec(item, _) if matches!(**item, RustTy::String) => {
            quote!(#id.into_iter().map(Into::into).collect())
        }
        RustTy::Vec(..) => quote!(#id.into_iter().collect()),
        other => arg_into(other, id),
    }
}

/// What `send()` returns.
fn output_type(output: &Output) -> TokenStream {
    match output {
        Output::Page { item } => {
            let item = ty(item);
            quote!(#Page<#item>)
        }
        Output::Json { ty: t, .. } => ty(t),
        Output::Accepted => quote!(#Accepted),
        Output::Count => quote!(u64),
        Output::Text => quote!(String),
        Output::NdJson => quote!(Vec<serde_json::Value>),
        Output::Binary => quote!(bytes::Bytes),
    }
}

fn builder(tag: &TagPlan, op: &OperationPlan) -> TokenStream {
    let name = ident(&op.builder);
    let mut fields = Vec::new();
    for a in &op.args {
        let id = ident(&a.ident);
        let t = ty(&a.ty);
        fields.push(quote!(#id: #t,));
    }
    for s in &op.setters {
        let id = ident(&s.ident);
        let t = match &s.ty {
            RustTy::Vec(..) => ty(&s.ty),
            other => {
                let t = ty(other);
                quote!(Option<#t>)
            }
        };
        fields.push(quote!(#id: #t,));
    }
    if let Some(b) = &op.body {
        let id = ident(&b.ident);
        let t = ty(&b.ty);
        if b.required {
            fields.push(quote!(#id: #t,));
        } else {
            fields.push(quote!(#id: Option<#t>,));
        }
    }
    let unchecked = ident(&op.unchecked_query.field);
    fields.push(quote!(#unchecked: Vec<(String, String)>,));
    let setters = op.setters.iter().map(setter);
    let body_setter = op.body.as_ref().filter(|b| !b.required).map(|b| {
        let id = ident(&b.ident);
        let t = ty(&b.ty);
        quote! {
            /// Sets the (optional) request body.
            #[inline]
            pub fn #id(mut self, #id: #t) -> Self {
                self.#id = Some(#id);
                self
            }
        }
    });
    let request = request_fn(op);
    let page_send = page_send_fn(op);
    let shared = shared_impls(&name, op);
    let list = list_fns(op);
    let order = order_fn(tag, op);
    // Trait impls are what a whole-API crate pays for most in compile memory (each derive on
    // each of two thousand builders): only list builders are `Clone` (their stream clones them
    // for every page), and builders have no `Debug`.
    let clone = op.list.is_some().then(|| quote!(#[derive(Clone)]));
    let doc = format!(
        " The request of [`{}::{}`] (`{} {}`): set optional parameters, then `.await` it \
         (or call `send()`).",
        tag.handle,
        op.method,
        op.http_method.as_str(),
        op.path
    );
    quote! {
        #[doc = #doc]
        #clone
        #[must_use = "a request does nothing until it is awaited"]
        pub struct #name {
            client: #Client,
            #(#fields)*
        }

        impl #name {
            #(#setters)*
            #body_setter
            #request
            #page_send
            #list
            #order
        }

        #shared
    }
}

fn setter(s: &ArgPlan) -> TokenStream {
    let id = ident(&s.ident);
    let mut parts = Vec::new();
    if let Some(d) = &s.description {
        parts.push(d.clone());
    }
    let mut fact = format!("Query `{}`, {}", s.wire, s.spec_type);
    match s.encoding {
        QueryEncoding::CommaJoined => fact.push_str(", sent comma-joined in one value"),
        QueryEncoding::Repeated => fact.push_str(", sent as repeated keys"),
        QueryEncoding::Single => {}
    }
    if let Some(d) = &s.default {
        fact.push_str(&format!(", server default `{d}`"));
    }
    parts.push(format!("{fact}."));
    if let Some(append) = &s.append {
        parts.push(format!(
            "Replaces the values set before; [`{append}`](Self::{append}) adds one to them."
        ));
    }
    let docs = doc_attrs(&parts);
    match &s.ty {
        RustTy::Vec(item, _) => {
            let item_ty = arg(item);
            let value = if matches!(**item, RustTy::String) {
                quote!(values.into_iter().map(Into::into).collect())
            } else {
                quote!(values.into_iter().collect())
            };
            let append = s.append.as_ref().map(|append| {
                let doc = format!(
                    " Adds one value to query `{}`, after those set before (with [`{}`](Self::{}) \
                     or this method).",
                    s.wire, s.ident, s.ident
                );
                let append = ident(append);
                let stored = ty(item);
                quote! {
                    #[doc = #doc]
                    #[inline]
                    pub fn #append(mut self, value: impl Into<#stored>) -> Self {
                        self.#id.push(value.into());
                        self
                    }
                }
            });
            quote! {
                #docs
                #[inline]
                pub fn #id(mut self, values: impl IntoIterator<Item = #item_ty>) -> Self {
                    self.#id = #value;
                    self
                }
                #append
            }
        }
        other => {
            let t = arg(other);
            let value_id = ident("value");
            let v = arg_into(other, &value_id);
            quote! {
                #docs
                #[inline]
                pub fn #id(mut self, value: #t) -> Self {
                    self.#id = Some(#v);
                    self
                }
            }
        }
    }
}

/// What every builder shares, from the runtime's `request_builder!`: the method adding a query
/// pair by its wire name, `IntoFuture`, and, unless the operation pages, `send` (its HTTP
/// method and the runtime's decoder for its output).
fn shared_impls(name: &proc_macro2::Ident, op: &OperationPlan) -> TokenStream {
    let out = output_type(&op.output);
    let method = ident(&op.unchecked_query.method);
    let field = ident(&op.unchecked_query.field);
    let sends = decoder(&op.output).map(|decoder| {
        let verb = ident(op.http_method.as_str());
        let decoder = ident(decoder);
        quote!(= #verb #decoder)
    });
    quote! {
        #request_builder!(#name -> #out #sends; #method(#field));
    }
}

fn request_fn(op: &OperationPlan) -> TokenStream {
    // `/api/x/{uuid}/` -> format!("/api/x/{}/", path_param("uuid", &self.uuid)?)
    let mut fmt = String::new();
    let mut fmt_args = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        fmt.push_str(&rest[..start]);
        let name = &rest[start + 1..start + len];
        match op
            .args
            .iter()
            .find(|a| a.location == ArgLocation::Path && a.wire == name)
        {
            Some(a) => {
                fmt.push_str("{}");
                let id = ident(&a.ident);
                let wire = &a.wire;
                fmt_args.push(quote!(#path_param(#wire, &self.#id)?));
            }
            // A placeholder without a parameter stays literal (the planner reports it).
            None => fmt.push_str(&format!("{{{{{name}}}}}")),
        }
        rest = &rest[start + len + 1..];
    }
    fmt.push_str(rest);
    let path = if fmt_args.is_empty() {
        quote!(#fmt.to_string())
    } else {
        quote!(format!(#fmt, #(#fmt_args),*))
    };
    let mut query = Vec::new();
    for a in op.args.iter().filter(|a| a.location == ArgLocation::Query) {
        query.push(push_query(a, true));
    }
    for s in &op.setters {
        query.push(push_query(s, false));
    }
    let query_block = (!query.is_empty()).then(|| {
        quote! {
            let q = req.query();
            #(#query)*
        }
    });
    let body = match &op.body {
        None => quote!(Ok(req)),
        Some(b) => attach_body(b),
    };
    let unchecked = ident(&op.unchecked_query.field);
    let operation_id = &op.operation_id;
    let template = &op.path;
    quote! {
        #[inline]
        fn request(&self, method: reqwest::Method) -> Result<#ApiRequest, #Error> {
            let mut req = #ApiRequest::new(method, #path).operation(#operation_id, #template);
            #query_block
            req.query().push_unchecked(&self.#unchecked);
            #body
        }
    }
}

fn push_query(a: &ArgPlan, required: bool) -> TokenStream {
    let id = ident(&a.ident);
    let wire = &a.wire;
    match a.encoding {
        QueryEncoding::CommaJoined => quote!(q.push_joined(#wire, &self.#id);),
        QueryEncoding::Repeated => quote!(q.push_repeated(#wire, &self.#id);),
        QueryEncoding::Single if required => quote!(q.push(#wire, &self.#id);),
        QueryEncoding::Single => quote!(q.push_opt(#wire, self.#id.as_ref());),
    }
}

fn attach_body(b: &BodyPlan) -> TokenStream {
    let id = ident(&b.ident);
    let attach = match b.encoding {
        BodyEncoding::Json => quote!(req.json(body)),
        BodyEncoding::JsonOrMultipart => quote! {
            if #MultipartBody::has_files(body) {
                Ok(req.multipart(#MultipartBody::parts(body)?))
            } else {
                req.json(body)
            }
        },
        BodyEncoding::Multipart => {
            quote!(Ok(req.multipart(#MultipartBody::parts(body)?)))
        }
        BodyEncoding::FormUrlEncoded => quote!(Ok(req.form(#form_fields(body)?))),
        BodyEncoding::Raw => quote! {
            Ok(req.raw(#RawBody::content_type(body), #RawBody::raw_bytes(body)))
        },
    };
    if b.required {
        quote! {
            let body = &self.#id;
            #attach
        }
    } else {
        quote! {
            match &self.#id {
                Some(body) => #attach,
                None => Ok(req),
            }
        }
    }
}

fn method_tokens(m: Method) -> TokenStream {
    match m {
        Method::Get => quote!(reqwest::Method::GET),
        Method::Head => quote!(reqwest::Method::HEAD),
        Method::Post => quote!(reqwest::Method::POST),
        Method::Put => quote!(reqwest::Method::PUT),
        Method::Patch => quote!(reqwest::Method::PATCH),
        Method::Delete => quote!(reqwest::Method::DELETE),
        Method::Options => quote!(reqwest::Method::OPTIONS),
    }
}

/// The runtime's decoder (a function of its `decode` module) for an output that is not a page.
fn decoder(output: &Output) -> Option<&'static str> {
    Some(match output {
        Output::Page { .. } => return None,
        Output::Json {
            allow_empty: true, ..
        } => "json_or_default",
        Output::Json {
            allow_empty: false, ..
        } => "json",
        Output::Accepted => "accepted",
        Output::Count => "count",
        Output::Text => "text",
        Output::NdJson => "ndjson",
        Output::Binary => "bytes",
    })
}

/// `send` of a list builder: one page, of the size asked for (or the client's default).
fn page_send_fn(op: &OperationPlan) -> Option<TokenStream> {
    let Output::Page { .. } = &op.output else {
        return None;
    };
    let verb = method_tokens(op.http_method);
    let out = output_type(&op.output);
    let list = op.list.as_ref();
    let page = ident(list.map_or("page", |l| l.page_setter.as_str()));
    let size = ident(list.map_or("page_size", |l| l.page_size_setter.as_str()));
    Some(quote! {
        /// Sends the request: one page of the list.
        #[inline]
        pub fn send(self) -> #ResponseFuture<#out> {
            let (page, page_size) = #paging(&self.client, self.#page, self.#size);
            let req = self.request(#verb);
            #send(self.client, req, #decode::page(page, page_size))
        }
    })
}

fn list_fns(op: &OperationPlan) -> TokenStream {
    let (Some(list), Output::Page { item }) = (&op.list, &op.output) else {
        return quote!();
    };
    let item = ty(item);
    let page = ident(&list.page_setter);
    let size = ident(&list.page_size_setter);
    let count_doc = format!(
        " Counts what this list would return with the same filters: `HEAD {}`, answered in \
         `X-Result-Count` (`page` and `page_size` are not sent).",
        op.path
    );
    quote! {
        /// Every item of the list, page after page (of `page_size` items, or the client's
        /// default size), starting at page 1. At most one page is held in memory; the stream
        /// ends after the last page or with the first error.
        #[inline]
        pub fn stream(self) -> #ItemStream<#item> {
            let (_, page_size) = #paging(&self.client, None, self.#size);
            let client = self.client.clone();
            #stream_items(client, page_size, move |page, page_size| {
                let mut this = self.clone();
                this.#page = Some(i64::from(page));
                this.#size = Some(i64::from(page_size));
                this.request(reqwest::Method::GET)
            })
        }

        #[doc = #count_doc]
        #[inline]
        pub fn count(self) -> #ResponseFuture<u64> {
            let mut this = self;
            this.#page = None;
            this.#size = None;
            let req = this.request(reqwest::Method::HEAD);
            #send(this.client, req, #decode::count)
        }
    }
}

/// `send_and_wait` of a marketplace order creation (see `OrderHelper`).
fn order_fn(tag: &TagPlan, op: &OperationPlan) -> TokenStream {
    let Some(o) = &op.order_helper else {
        return quote!();
    };
    let method = ident(&o.method);
    let handle = ident(&tag.handle);
    let retrieve = ident(&o.retrieve_method);
    let order = ident(&o.order_type);
    let uuid = ident(&o.uuid_accessor);
    let state = ident(&o.state_accessor);
    let state_str = if o.state_is_str {
        quote!(order.#state())
    } else {
        quote!(order.#state().map(|s| s.as_str()))
    };
    let error_message = match &o.error_accessor {
        Some(e) => {
            let e = ident(e);
            quote!(order.#e())
        }
        None => quote!(None),
    };
    let field = format!("{}.uuid", o.order_type);
    let doc = format!(
        " Submits the order, then polls it (`{retrieve}`) under `policy` until it is `done` \
         (the final order is returned), or fails with the order's `error_message` when it is \
         `erred`, `canceled` or `rejected`; the time budget, the interval and cancellation (drop \
         the future) are those of [`{wait_for}`].",
        retrieve = o.retrieve_method
    );
    quote! {
        #[doc = #doc]
        #[inline]
        pub async fn #method(
            self,
            policy: &#WaitPolicy,
        ) -> Result<models::#order, #WaitError<models::#order>> {
            let client = self.client.clone();
            let submitted = match self.send().await {
                Ok(order) => order,
                Err(error) => {
                    return Err(#WaitError::Request {
                        what: "the order to be submitted".to_string(),
                        error,
                        poll: 0,
                        last: None,
                    });
                }
            };
            let Some(uuid) = submitted.#uuid() else {
                let found = format!("{:?}", submitted.#uuid);
                return Err(#WaitError::Request {
                    what: "the submitted order's uuid".to_string(),
                    error: #FieldError::new(#field, found).into(),
                    poll: 0,
                    last: Some(submitted),
                });
            };
            let handle = #handle { client: &client };
            let what = format!("order {uuid} to be done");
            #wait_for(
                policy,
                &what,
                || handle.#retrieve(uuid).send(),
                |order: &models::#order| #order_state(#state_str, #error_message),
            )
            .await
        }
    }
}
