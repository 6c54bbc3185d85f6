//! Operations of one tag -> a module with a handle type, one async method per operation,
//! params structs for optional query parameters, streams and counts for paginated lists, and
//! (behind the `blocking` feature) the same API without async.
//!
//! Every operation gets a private `<method>_request` function that builds the request; the
//! async method, the page stream, the count and the blocking wrapper all go through it, so the
//! wire format of an operation is decided in exactly one place.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::ir::{
    ArrayStyle, BodyMedia, Method, Operation, ParamLocation, ResponseBody, Scalar, Ty,
};

use super::docs::doc_attrs;
use super::names::{self, Scope};
use super::types::{Ctx, TypeTable, describe};

/// Names the runtime `Client` already uses; a tag accessor must not shadow them.
/// (The async `Client` and the blocking one share the accessors, so both lists count.)
const CLIENT_METHODS: &[&str] = &[
    "new",
    "from_env",
    "builder",
    "base_url",
    "execute",
    "retry_policy",
    "default_page_size",
    "url_for",
    "clone",
    "fmt",
    "from_async",
    "inner",
    "block_on",
    "iter",
];

/// The accessor on `Client` for a tag (`client.openstack_volumes()`).
pub fn accessor_name(tag: &str) -> String {
    let m = names::module_name(tag);
    if CLIENT_METHODS.contains(&m.as_str()) {
        format!("{m}_api")
    } else {
        m
    }
}

/// The handle type of a tag (`OpenstackVolumes`).
pub fn handle_name(tag: &str) -> String {
    format!("{}Api", names::camel_ident(tag))
}

/// What an operation's success response decodes into.
enum Output {
    /// A page of items (`page`/`page_size` query params and an array response).
    Page {
        item: TokenStream,
    },
    /// A JSON value decoded into the type; `defaultable` types accept an empty body.
    Json {
        ty: TokenStream,
        defaultable: bool,
    },
    /// Documented without a body (or with an unknown one): status and whatever JSON came back.
    Accepted,
    Text,
    NdJson,
    Binary,
}

struct Arg {
    ident: Ident,
    wire: String,
    ty: Ty,
    style: ArrayStyle,
}

struct OpPlan<'o> {
    op: &'o Operation,
    method: Ident,
    path_args: Vec<Arg>,
    required_query: Vec<Arg>,
    /// Optional query params go into a params struct named `<OperationId>Params`.
    params_struct: Option<Ident>,
    optional_query: Vec<(Ident, crate::ir::Param)>,
    body: Option<(Ident, TokenStream, bool)>,
    output: Output,
    paginated: bool,
}

pub fn emit_tag(table: &TypeTable, tag: &str, ops: &[&Operation]) -> TokenStream {
    let handle = format_ident!("{}", handle_name(tag));
    let accessor = format_ident!("{}", accessor_name(tag));
    let mut scope = Scope::new();
    let plans: Vec<OpPlan> = ops.iter().map(|op| plan(table, op, &mut scope)).collect();
    // Counts use the list's own name: `list` -> `count`, `users_list` -> `users_count`.
    let mut counts = Vec::new();
    for p in plans.iter().filter(|p| p.paginated) {
        let base = p.method.to_string();
        let wanted = match base.strip_suffix("list") {
            Some(prefix) => format!("{prefix}count"),
            None => format!("{base}_count"),
        };
        counts.push(format_ident!("{}", scope.claim(wanted)));
    }
    let mut streams = Vec::new();
    for p in plans.iter().filter(|p| p.paginated) {
        streams.push(format_ident!(
            "{}",
            scope.claim(format!("{}_stream", p.method))
        ));
    }

    let request_fns = plans.iter().map(|p| request_fn(table, p));
    let params_structs = plans.iter().filter_map(|p| params_struct(table, p));
    let mut methods = Vec::new();
    let mut blocking = Vec::new();
    let mut paged = plans
        .iter()
        .filter(|p| p.paginated)
        .zip(counts.iter().zip(streams.iter()));
    for p in &plans {
        methods.push(async_method(table, p));
        blocking.push(blocking_method(table, p));
    }
    for (p, (count, stream)) in paged.by_ref() {
        methods.push(count_method(table, p, count));
        methods.push(stream_method(table, p, stream));
        blocking.push(blocking_count(table, p, count));
        blocking.push(blocking_stream(table, p, stream));
    }
    let tag_doc =
        format!(" Operations of the `{tag}` tag, reached through [`crate::Client::{accessor}`].");
    let accessor_doc = format!(" Operations of the `{tag}` tag.");
    quote! {
        #(#params_structs)*

        #[doc = #tag_doc]
        #[derive(Debug, Clone, Copy)]
        pub struct #handle<'a> {
            client: &'a crate::runtime::Client,
        }

        impl crate::runtime::Client {
            #[doc = #accessor_doc]
            pub fn #accessor(&self) -> #handle<'_> {
                #handle { client: self }
            }
        }

        impl<'a> #handle<'a> {
            #(#methods)*
        }

        #(#request_fns)*

        /// The same operations without async, for scripts (feature `blocking`).
        #[cfg(feature = "blocking")]
        pub mod blocking {
            #[allow(unused_imports)]
            use super::*;

            #[doc = #tag_doc]
            #[derive(Debug, Clone, Copy)]
            pub struct #handle<'a> {
                client: &'a crate::runtime::blocking::Client,
            }

            impl crate::runtime::blocking::Client {
                #[doc = #accessor_doc]
                pub fn #accessor(&self) -> #handle<'_> {
                    #handle { client: self }
                }
            }

            impl<'a> #handle<'a> {
                #(#blocking)*
            }
        }
    }
}

fn plan<'o>(table: &TypeTable, op: &'o Operation, scope: &mut Scope) -> OpPlan<'o> {
    let method = format_ident!(
        "{}",
        scope.claim(names::method_name(&op.operation_id, &op.tag))
    );
    // Locals of the generated functions: an argument must not shadow them.
    let mut args = Scope::new();
    for local in [
        "params",
        "body",
        "self",
        "method",
        "req",
        "resp",
        "q",
        "client",
        "limit",
        "page",
        "page_size",
    ] {
        args.reserve(local);
    }
    let mut path_args = Vec::new();
    let mut required_query = Vec::new();
    let mut optional_query = Vec::new();
    let mut field_scope = Scope::new();
    for p in &op.params {
        match p.location {
            ParamLocation::Path => path_args.push(Arg {
                ident: format_ident!("{}", args.claim(names::snake_ident(&p.name))),
                wire: p.name.clone(),
                ty: p.ty.clone(),
                style: p.style,
            }),
            ParamLocation::Query if p.required => required_query.push(Arg {
                ident: format_ident!("{}", args.claim(names::snake_ident(&p.name))),
                wire: p.name.clone(),
                ty: p.ty.clone(),
                style: p.style,
            }),
            ParamLocation::Query => optional_query.push((
                format_ident!("{}", field_scope.claim(names::snake_ident(&p.name))),
                p.clone(),
            )),
            // Header parameters are not used by Waldur operations; they are documented only.
            ParamLocation::Header => {}
        }
    }
    let params_struct = (!optional_query.is_empty())
        .then(|| format_ident!("{}Params", names::camel_ident(&op.operation_id)));
    let body = op.body.as_ref().map(|b| {
        let ty = table.rust(&b.ty, Ctx::Request, None);
        let optional = !b.required && has_required_fields(table, &b.ty);
        (format_ident!("body"), ty, optional)
    });
    let has_page = op
        .params
        .iter()
        .any(|p| p.location == ParamLocation::Query && p.name == "page" && !p.required);
    let has_size = op
        .params
        .iter()
        .any(|p| p.location == ParamLocation::Query && p.name == "page_size" && !p.required);
    let success: Vec<&crate::ir::Response> = op
        .responses
        .iter()
        .filter(|r| (200..300).contains(&r.status))
        .collect();
    let first = success.first().copied();
    // Several success codes with different bodies: the method returns raw JSON.
    let distinct_bodies = success
        .iter()
        .filter(|r| !matches!(r.body, ResponseBody::None | ResponseBody::Unknown))
        .map(|r| &r.body)
        .fold(Vec::new(), |mut acc: Vec<&ResponseBody>, b| {
            if !acc.contains(&b) {
                acc.push(b);
            }
            acc
        });
    let body_of_first = distinct_bodies.first().copied().or(first.map(|r| &r.body));
    let mut paginated = false;
    let output = match body_of_first {
        _ if distinct_bodies.len() > 1 => Output::Json {
            ty: quote!(serde_json::Value),
            defaultable: true,
        },
        Some(ResponseBody::Json { ty }) => match table.resolve(ty) {
            Ty::Array { items } if has_page && has_size && op.method == Method::Get => {
                paginated = true;
                Output::Page {
                    item: table.rust(items, Ctx::Response, None),
                }
            }
            Ty::Array { items } => {
                let item = table.rust(items, Ctx::Response, None);
                Output::Json {
                    ty: quote!(Vec<#item>),
                    defaultable: true,
                }
            }
            resolved => Output::Json {
                ty: table.rust(ty, Ctx::Response, None),
                defaultable: !matches!(resolved, Ty::Scalar { .. })
                    && !matches!(resolved, Ty::Ref { name } if matches!(table.api.types.get(name), Some(crate::ir::TypeDef::Enum(_)))),
            },
        },
        Some(ResponseBody::Text) => Output::Text,
        Some(ResponseBody::NdJson { .. }) => Output::NdJson,
        Some(ResponseBody::Binary) => Output::Binary,
        Some(ResponseBody::None | ResponseBody::Unknown) | None => Output::Accepted,
    };
    OpPlan {
        op,
        method,
        path_args,
        required_query,
        params_struct,
        optional_query,
        body,
        output,
        paginated,
    }
}

fn has_required_fields(table: &TypeTable, ty: &Ty) -> bool {
    match table.resolve(ty) {
        Ty::Ref { name } => match table.api.types.get(name) {
            Some(crate::ir::TypeDef::Object(o)) => o.fields.iter().any(|f| f.required),
            _ => true,
        },
        _ => true,
    }
}

/// Type of a path or required query argument.
fn arg_type(table: &TypeTable, ty: &Ty) -> TokenStream {
    match table.resolve(ty) {
        Ty::Scalar {
            scalar: Scalar::Integer { .. },
        } => quote!(i64),
        Ty::Scalar {
            scalar: Scalar::Number { .. },
        } => quote!(f64),
        Ty::Scalar {
            scalar: Scalar::Boolean,
        } => quote!(bool),
        Ty::Ref { .. } => {
            let t = table.rust(ty, Ctx::Request, None);
            quote!(&#t)
        }
        Ty::Array { items } => {
            let t = table.rust(items, Ctx::Request, None);
            quote!(&[#t])
        }
        _ => quote!(&str),
    }
}

/// Type of an optional query field in a params struct.
fn field_type(table: &TypeTable, ty: &Ty) -> TokenStream {
    match table.resolve(ty) {
        Ty::Array { items } => {
            let t = table.rust(items, Ctx::Request, None);
            quote!(Vec<#t>)
        }
        _ => {
            let t = table.rust(ty, Ctx::Request, None);
            quote!(Option<#t>)
        }
    }
}

fn output_type(p: &OpPlan) -> TokenStream {
    match &p.output {
        Output::Page { item } => quote!(crate::runtime::Page<#item>),
        Output::Json { ty, .. } => ty.clone(),
        Output::Accepted => quote!(crate::runtime::Accepted),
        Output::Text => quote!(String),
        Output::NdJson => quote!(Vec<serde_json::Value>),
        Output::Binary => quote!(bytes::Bytes),
    }
}

fn op_docs(p: &OpPlan, extra: &[String]) -> TokenStream {
    let op = p.op;
    let mut parts: Vec<String> = Vec::new();
    if let Some(t) = &op.title {
        parts.push(t.clone());
    }
    if let Some(d) = &op.description
        && op.title.as_deref() != Some(d.trim())
    {
        parts.push(d.clone());
    }
    parts.push(format!(
        "`{} {}` (operation `{}`).",
        op.method.as_str(),
        op.path,
        op.operation_id
    ));
    let statuses: Vec<String> = op
        .responses
        .iter()
        .map(|r| match &r.description {
            Some(d) if !d.is_empty() => format!("- `{}`: {d}", status_label(r.status)),
            _ => format!("- `{}`", status_label(r.status)),
        })
        .collect();
    if !statuses.is_empty() {
        parts.push(format!("Documented responses:\n{}", statuses.join("\n")));
    }
    parts.extend(extra.iter().cloned());
    doc_attrs(&parts)
}

fn status_label(status: u16) -> String {
    if status == 0 {
        "default".to_string()
    } else {
        status.to_string()
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

/// Parameters of the request builder and of the public method, in the same order.
fn signature(table: &TypeTable, p: &OpPlan) -> (Vec<TokenStream>, Vec<Ident>) {
    let mut decls = Vec::new();
    let mut names = Vec::new();
    for a in p.path_args.iter().chain(&p.required_query) {
        let id = &a.ident;
        let ty = arg_type(table, &a.ty);
        decls.push(quote!(#id: #ty));
        names.push(id.clone());
    }
    if let Some(ps) = &p.params_struct {
        decls.push(quote!(params: &#ps));
        names.push(format_ident!("params"));
    }
    if let Some((id, ty, optional)) = &p.body {
        if *optional {
            decls.push(quote!(#id: Option<&#ty>));
        } else {
            decls.push(quote!(#id: &#ty));
        }
        names.push(id.clone());
    }
    (decls, names)
}

fn request_fn(table: &TypeTable, p: &OpPlan) -> TokenStream {
    let fn_name = request_fn_name(p);
    let (decls, _) = signature(table, p);
    // `/api/x/{uuid}/` -> format!("/api/x/{}/", encode(uuid))
    let mut fmt = String::new();
    let mut fmt_args = Vec::new();
    let mut rest = p.op.path.as_str();
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        fmt.push_str(&rest[..start]);
        fmt.push_str("{}");
        let name = &rest[start + 1..start + len];
        if let Some(a) = p.path_args.iter().find(|a| a.wire == name) {
            let id = &a.ident;
            fmt_args.push(match table.resolve(&a.ty) {
                Ty::Scalar {
                    scalar: Scalar::String { .. },
                } => quote!(crate::runtime::encode_path_segment(#id)),
                _ => quote!(crate::runtime::encode_path_segment(&#id.to_string())),
            });
        }
        rest = &rest[start + len + 1..];
    }
    fmt.push_str(rest);
    let path_expr = if fmt_args.is_empty() {
        quote!(#fmt.to_string())
    } else {
        quote!(format!(#fmt, #(#fmt_args),*))
    };
    let mut query = Vec::new();
    for a in &p.required_query {
        let id = &a.ident;
        let wire = &a.wire;
        query.push(match table.resolve(&a.ty) {
            Ty::Array { .. } if a.style == ArrayStyle::CommaJoined => {
                quote!(q.push_joined(#wire, #id);)
            }
            Ty::Array { .. } => quote!(q.push_repeated(#wire, #id);),
            Ty::Scalar {
                scalar: Scalar::String { .. },
            } => quote!(q.push(#wire, #id);),
            Ty::Ref { .. } => quote!(q.push(#wire, #id);),
            _ => quote!(q.push(#wire, &#id);),
        });
    }
    for (id, param) in &p.optional_query {
        let wire = &param.name;
        query.push(match table.resolve(&param.ty) {
            Ty::Array { .. } if param.style == ArrayStyle::CommaJoined => {
                quote!(q.push_joined(#wire, &params.#id);)
            }
            Ty::Array { .. } => quote!(q.push_repeated(#wire, &params.#id);),
            _ => quote!(q.push_opt(#wire, params.#id.as_ref());),
        });
    }
    let query_block = (!query.is_empty()).then(|| {
        quote! {
            let q = req.query();
            #(#query)*
        }
    });
    let body = match &p.body {
        None => quote!(Ok(req)),
        Some((id, _, optional)) => {
            let media = p.op.body.as_ref().map(|b| b.media).unwrap_or_default();
            let attach = match media {
                BodyMedia::Multipart => {
                    quote!(Ok(req.multipart(crate::runtime::MultipartBody::parts(body))))
                }
                BodyMedia::FormUrlEncoded => {
                    quote!(Ok(req.form(crate::runtime::form_fields(body)?)))
                }
                BodyMedia::OctetStream | BodyMedia::Text
                    if p.op.body.as_ref().is_some_and(|b| {
                        matches!(
                            table.resolve(&b.ty),
                            Ty::Scalar {
                                scalar: Scalar::String { .. }
                            }
                        )
                    }) =>
                {
                    quote!(Ok(req.raw(
                        crate::runtime::RawBody::content_type(body),
                        crate::runtime::RawBody::raw_bytes(body)
                    )))
                }
                _ => quote!(req.json(body)),
            };
            if *optional {
                quote!(match #id { Some(#id) => #attach, None => Ok(req) })
            } else {
                quote!(#attach)
            }
        }
    };
    let mut_kw = query_block.is_some().then(|| quote!(mut));
    let doc = format!(
        " Builds the request of [`{}`] (`{} {}`).",
        handle_path(p),
        p.op.method.as_str(),
        p.op.path
    );
    let operation_id = &p.op.operation_id;
    let path_template = &p.op.path;
    quote! {
        #[doc = #doc]
        fn #fn_name(method: reqwest::Method, #(#decls),*) -> Result<crate::runtime::ApiRequest, crate::runtime::Error> {
            #[allow(unused_mut)]
            let #mut_kw req = crate::runtime::ApiRequest::new(method, #path_expr).operation(#operation_id, #path_template);
            #query_block
            #body
        }
    }
}

/// `<method>_request`; a keyword-escaped method (`override_`) loses its `_` first.
fn request_fn_name(p: &OpPlan) -> Ident {
    format_ident!("{}_request", p.method.to_string().trim_end_matches('_'))
}

fn handle_path(p: &OpPlan) -> String {
    format!("{}::{}", handle_name(&p.op.tag), p.method)
}

fn decode(p: &OpPlan) -> TokenStream {
    match &p.output {
        Output::Page { .. } => quote! {
            let (page, page_size) = params.paging(self.client.default_page_size());
            crate::runtime::Page::from_response(&resp, page, page_size)
        },
        Output::Json {
            defaultable: true, ..
        } => quote!(Ok(resp.decode_optional()?.unwrap_or_default())),
        Output::Json {
            defaultable: false, ..
        } => quote!(resp.decode()),
        Output::Accepted => quote!(Ok(crate::runtime::Accepted::from_response(&resp))),
        Output::Text => quote!(Ok(resp.text().into_owned())),
        Output::NdJson => quote!(resp.ndjson()),
        Output::Binary => quote!(Ok(resp.body.clone())),
    }
}

fn async_method(table: &TypeTable, p: &OpPlan) -> TokenStream {
    let (decls, names) = signature(table, p);
    let method = &p.method;
    let fn_name = request_fn_name(p);
    let verb = method_tokens(p.op.method);
    let out = output_type(p);
    let decode = decode(p);
    let docs = op_docs(p, &[]);
    let allow = (decls.len() > 6).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        #docs
        #allow
        pub async fn #method(&self, #(#decls),*) -> Result<#out, crate::runtime::Error> {
            let req = #fn_name(#verb, #(#names),*)?;
            let resp = self.client.execute(req).await?;
            #decode
        }
    }
}

fn count_method(table: &TypeTable, p: &OpPlan, count: &Ident) -> TokenStream {
    let fn_name = request_fn_name(p);
    let (decls, names) = signature(table, p);
    let doc = format!(
        " Counts what [`Self::{}`] would list with the same filters: `HEAD {}`, answered in `X-Result-Count`.",
        p.method, p.op.path
    );
    quote! {
        #[doc = #doc]
        pub async fn #count(&self, #(#decls),*) -> Result<u64, crate::runtime::Error> {
            let params = &params.without_paging();
            let req = #fn_name(reqwest::Method::HEAD, #(#names),*)?;
            let resp = self.client.execute(req).await?;
            resp.required_result_count()
        }
    }
}

/// Whether an argument is passed by reference (and must be owned to live in a stream): every
/// type of [`arg_type`] but the three scalars passed by value.
fn by_ref(table: &TypeTable, ty: &Ty) -> bool {
    !matches!(
        table.resolve(ty),
        Ty::Scalar {
            scalar: Scalar::Integer { .. } | Scalar::Number { .. } | Scalar::Boolean
        }
    )
}

fn stream_method(table: &TypeTable, p: &OpPlan, stream: &Ident) -> TokenStream {
    let Output::Page { item } = &p.output else {
        return quote!();
    };
    let fn_name = request_fn_name(p);
    let (decls, _) = signature(table, p);
    let args: Vec<&Arg> = p.path_args.iter().chain(&p.required_query).collect();
    let owned = args.iter().filter(|a| by_ref(table, &a.ty)).map(|a| {
        let id = &a.ident;
        quote!(let #id = #id.to_owned();)
    });
    let cloned: Vec<TokenStream> = args
        .iter()
        .filter(|a| by_ref(table, &a.ty))
        .map(|a| {
            let id = &a.ident;
            quote!(let #id = #id.clone();)
        })
        .collect();
    let call_args = args.iter().map(|a| {
        let id = &a.ident;
        if by_ref(table, &a.ty) {
            quote!(&#id)
        } else {
            quote!(#id)
        }
    });
    let doc = format!(
        " Every item [`Self::{}`] lists, page after page (`page_size` from `params` or the client's default, \
         the server maximum unless configured), stopping after `limit` items if given. Only the page number \
         of the `Link: rel=\"next\"` header is used, so a wrong host behind a proxy does not matter; at most one \
         page is held in memory.",
        p.method
    );
    quote! {
        #[doc = #doc]
        pub fn #stream(&self, #(#decls,)* limit: Option<u64>) -> impl futures_core::Stream<Item = Result<#item, crate::runtime::Error>> + Send + Unpin + use<> {
            let client = self.client.clone();
            let params = params.clone();
            let page_size = params.paging(client.default_page_size()).1;
            #(#owned)*
            crate::runtime::paginate(page_size, limit, move |page, page_size| {
                let client = client.clone();
                let params = params.with_paging(page, page_size);
                #(#cloned)*
                async move {
                    let req = #fn_name(reqwest::Method::GET, #(#call_args,)* &params)?;
                    let resp = client.execute(req).await?;
                    crate::runtime::Page::from_response(&resp, page, page_size)
                }
            })
        }
    }
}

fn blocking_method(table: &TypeTable, p: &OpPlan) -> TokenStream {
    let (decls, names) = signature(table, p);
    let method = &p.method;
    let out = output_type(p);
    let accessor = format_ident!("{}", accessor_name(&p.op.tag));
    let docs = op_docs(p, &[]);
    let allow = (decls.len() > 6).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        #docs
        #allow
        pub fn #method(&self, #(#decls),*) -> Result<#out, crate::runtime::Error> {
            self.client.block_on(self.client.inner().#accessor().#method(#(#names),*))
        }
    }
}

fn blocking_count(table: &TypeTable, p: &OpPlan, count: &Ident) -> TokenStream {
    let (decls, names) = signature(table, p);
    let accessor = format_ident!("{}", accessor_name(&p.op.tag));
    let doc = format!(
        " Blocking form of the async `{count}`: `HEAD {}`.",
        p.op.path
    );
    quote! {
        #[doc = #doc]
        pub fn #count(&self, #(#decls),*) -> Result<u64, crate::runtime::Error> {
            self.client.block_on(self.client.inner().#accessor().#count(#(#names),*))
        }
    }
}

fn blocking_stream(table: &TypeTable, p: &OpPlan, stream: &Ident) -> TokenStream {
    let Output::Page { item } = &p.output else {
        return quote!();
    };
    let (decls, names) = signature(table, p);
    let accessor = format_ident!("{}", accessor_name(&p.op.tag));
    let base = stream.to_string();
    let iter = format_ident!("{}_iter", base.strip_suffix("_stream").unwrap_or(&base));
    let doc = format!(
        " Blocking iterator over every item of [`Self::{}`], one page in memory at a time.",
        p.method
    );
    quote! {
        #[doc = #doc]
        pub fn #iter(&self, #(#decls,)* limit: Option<u64>) -> impl Iterator<Item = Result<#item, crate::runtime::Error>> + '_ {
            self.client.iter(self.client.inner().#accessor().#stream(#(#names,)* limit))
        }
    }
}

fn params_struct(table: &TypeTable, p: &OpPlan) -> Option<TokenStream> {
    let ident = p.params_struct.as_ref()?;
    let doc = format!(
        " Optional query parameters of [`{}`] (`{} {}`). Unset fields are not sent.",
        handle_path(p),
        p.op.method.as_str(),
        p.op.path
    );
    let fields = p.optional_query.iter().map(|(id, param)| {
        let ty = field_type(table, &param.ty);
        let mut parts = Vec::new();
        if let Some(d) = &param.description {
            parts.push(d.clone());
        }
        let mut fact = format!("Query `{}`, {}", param.name, describe(&param.ty));
        if matches!(table.resolve(&param.ty), Ty::Array { .. }) {
            fact.push_str(match param.style {
                ArrayStyle::CommaJoined => ", sent comma-joined in one value",
                ArrayStyle::Repeat => ", sent as repeated keys",
            });
        }
        if let Some(d) = &param.default {
            fact.push_str(&format!(", server default `{d}`"));
        }
        parts.push(format!("{fact}."));
        let docs = doc_attrs(&parts);
        quote!(#docs pub #id: #ty,)
    });
    let setters = p.optional_query.iter().map(|(id, param)| {
        let doc = format!(" Sets `{}`.", param.name);
        match table.resolve(&param.ty) {
            Ty::Array { items } => {
                let t = table.rust(items, Ctx::Request, None);
                if matches!(table.resolve(items), Ty::Scalar { scalar: Scalar::String { .. } }) {
                    quote! {
                        #[doc = #doc]
                        pub fn #id<I: IntoIterator<Item = S>, S: Into<String>>(mut self, values: I) -> Self {
                            self.#id = values.into_iter().map(Into::into).collect();
                            self
                        }
                    }
                } else {
                    quote! {
                        #[doc = #doc]
                        pub fn #id<I: IntoIterator<Item = #t>>(mut self, values: I) -> Self {
                            self.#id = values.into_iter().collect();
                            self
                        }
                    }
                }
            }
            Ty::Scalar { scalar: Scalar::String { .. } } => quote! {
                #[doc = #doc]
                pub fn #id(mut self, value: impl Into<String>) -> Self {
                    self.#id = Some(value.into());
                    self
                }
            },
            _ => {
                let t = table.rust(&param.ty, Ctx::Request, None);
                quote! {
                    #[doc = #doc]
                    pub fn #id(mut self, value: #t) -> Self {
                        self.#id = Some(value);
                        self
                    }
                }
            }
        }
    });
    let paging = p.paginated.then(|| {
        let page = p.optional_query.iter().find(|(_, q)| q.name == "page").map(|(i, _)| i.clone());
        let size = p.optional_query.iter().find(|(_, q)| q.name == "page_size").map(|(i, _)| i.clone());
        let (Some(page), Some(size)) = (page, size) else { return quote!() };
        quote! {
            /// The page to fetch (1-based, default 1) and its size (default `default_size`).
            pub fn paging(&self, default_size: u32) -> (u32, u32) {
                let page = self.#page.and_then(|p| u32::try_from(p).ok()).filter(|p| *p > 0).unwrap_or(1);
                // The server clamps larger sizes to its maximum silently; asking for more would
                // make a short page look like the last one.
                let size = self.#size.and_then(|s| u32::try_from(s).ok()).filter(|s| *s > 0).unwrap_or(default_size).min(crate::runtime::MAX_PAGE_SIZE);
                (page, size)
            }
            /// A copy that asks for one page of the given size.
            pub fn with_paging(&self, page: u32, page_size: u32) -> Self {
                let mut p = self.clone();
                p.#page = Some(i64::from(page));
                p.#size = Some(i64::from(page_size));
                p
            }
            /// A copy without `page` and `page_size` (for counts).
            pub fn without_paging(&self) -> Self {
                let mut p = self.clone();
                p.#page = None;
                p.#size = None;
                p
            }
        }
    });
    Some(quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct #ident {
            #(#fields)*
        }

        #[allow(clippy::should_implement_trait)]
        impl #ident {
            #(#setters)*
            #paging
        }
    })
}
