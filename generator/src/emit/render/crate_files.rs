//! The crate-level files: `Cargo.toml`, `src/lib.rs` (crate docs, the generated `Client`, the
//! prelude), `src/models/mod.rs`, `README.md`, and the header every file starts with.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::plan::{
    Constructor, CratePlan, DISABLED_FEATURES, Plan, RequestModel, RuntimePlan, TypeKind,
};
// Interpolated, a runtime name prints its path: `#Client` is `runtime::Client`.
use crate::emit::runtime_api::{
    self,
    rt::{Client, ClientBuilder, blocking, mock, prelude, version},
};

use super::docs::{escape_inline, raw_inner_doc_attrs};
use super::tokens::ident;

/// The "generated, do not edit" header.
pub struct Header<'a> {
    lines: &'a [String],
}

impl<'a> Header<'a> {
    pub fn new(krate: &'a CratePlan) -> Header<'a> {
        Header {
            lines: &krate.header,
        }
    }

    fn comment(&self, prefix: &str) -> String {
        self.lines
            .iter()
            .map(|l| format!("{prefix} {l}\n"))
            .collect()
    }

    /// A generated Rust file. prettyplease output is not rustfmt output, so the file opts out
    /// of `cargo fmt` (the attribute vanishes outside rustfmt).
    pub fn rust(&self, body: String) -> String {
        format!(
            "{}#![cfg_attr(rustfmt, rustfmt::skip)]\n{}",
            self.comment("//"),
            body
        )
    }

    /// A runtime file copied verbatim: only the header is added (it is rustfmt-formatted source).
    pub fn rust_source(&self, text: &str) -> String {
        format!("{}\n{}", self.comment("//"), text)
    }

    pub fn toml(&self) -> String {
        self.comment("#")
    }

    pub fn markdown(&self) -> String {
        format!(
            "<!--\n{}-->\n",
            self.lines
                .iter()
                .map(|l| format!("{l}\n"))
                .collect::<String>()
        )
    }
}

pub fn cargo_toml(plan: &Plan, header: &Header) -> String {
    let k = &plan.krate;
    let mut out = header.toml();
    out.push_str("\n[package]\n");
    out.push_str(&format!("name = {}\n", toml_string(&k.name)));
    out.push_str(&format!("version = {}\n", toml_string(&k.version)));
    out.push_str("edition = \"2024\"\nrust-version = \"1.88\"\nlicense = \"MIT\"\n");
    out.push_str(&format!("description = {}\n", toml_string(&k.description)));
    out.push_str(&format!(
        "documentation = {}\n",
        toml_string(&format!("https://docs.rs/{}", k.name))
    ));
    if let Some(repository) = &k.repository {
        out.push_str(&format!("repository = {}\n", toml_string(repository)));
    }
    out.push_str("readme = \"README.md\"\nkeywords = [\"waldur\", \"api\", \"client\", \"hpc\", \"cloud\"]\ncategories = [\"api-bindings\", \"web-programming::http-client\"]\n");
    out.push_str("\n[package.metadata.docs.rs]\n# Document every tag and runtime feature, each item marked with the feature it needs.\nall-features = true\nrustdoc-args = [\"--cfg\", \"docsrs\"]\n");
    // The crate has no tests of its own (its code is tested where it is generated), and a test
    // build would compile every enabled tag a second time.
    out.push_str("\n[lib]\ntest = false\n");
    out.push_str("\n[features]\n");
    let list = |items: &[String]| {
        items
            .iter()
            .map(|f| toml_string(f))
            .collect::<Vec<_>>()
            .join(", ")
    };
    out.push_str(&format!("default = [{}]\n", list(&k.default_features)));
    for f in &k.features {
        for line in &f.comment {
            out.push_str(line);
            out.push('\n');
        }
        out.push_str(&format!("{} = [{}]\n", f.name, list(&f.enables)));
    }
    out.push_str("\n[dependencies]\n");
    for d in &k.dependencies {
        out.push_str(d);
        out.push('\n');
    }
    out
}

fn toml_string(s: &str) -> String {
    let escaped = s.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}

/// `src/lib.rs`: crate docs, modules, the generated `Client` with one accessor per tag, and
/// the prelude.
pub fn lib_rs(plan: &Plan) -> TokenStream {
    let docs = raw_inner_doc_attrs(&crate_docs(plan));
    let modules = plan.tags.iter().map(|t| {
        let m = ident(&t.module);
        let f = &t.feature;
        quote! {
            #[cfg(feature = #f)]
            #[cfg_attr(docsrs, doc(cfg(feature = #f)))]
            pub mod #m;
        }
    });
    let accessors = plan.client.accessors.iter().map(|a| {
        let tag = &plan.tags[a.tag];
        let name = ident(&a.method);
        let module = ident(&tag.module);
        let handle = ident(&tag.handle);
        let f = &tag.feature;
        let doc = format!(" Operations of the `{}` tag.", tag.tag);
        quote! {
            #[doc = #doc]
            #[cfg(feature = #f)]
            #[cfg_attr(docsrs, doc(cfg(feature = #f)))]
            #[inline]
            pub fn #name(&self) -> #module::#handle<'_> {
                #module::#handle { client: &self.inner }
            }
        }
    });
    let mock_accessors: Vec<(TokenStream, TokenStream)> = plan
        .client
        .accessors
        .iter()
        .map(|a| {
            let tag = &plan.tags[a.tag];
            let name = ident(&a.mock_method);
            let module = ident(&tag.module);
            let handle = ident(&tag.mock_handle);
            let f = &tag.feature;
            let doc = format!(" Expectations for the operations of the `{}` tag.", tag.tag);
            (
                quote! {
                    #[doc = #doc]
                    #[cfg(feature = #f)]
                    fn #name(&self) -> #module::#handle<'_>;
                },
                quote! {
                    #[cfg(feature = #f)]
                    #[inline]
                    fn #name(&self) -> #module::#handle<'_> {
                        #module::#handle { server: self }
                    }
                },
            )
        })
        .collect();
    let (mock_decls, mock_impls): (Vec<_>, Vec<_>) = mock_accessors.into_iter().unzip();
    let runtime_module = ident(runtime_api::MODULE);
    let runtime = match &plan.krate.runtime {
        RuntimePlan::Dependency {
            lib,
            version: (major, minor, patch),
        } => {
            let lib = ident(lib);
            let name = &plan.krate.name;
            quote! {
                /// The runtime this crate is generated for: the client, errors, paging, lenient
                /// values, the mock server.
                pub use #lib as #runtime_module;

                // A runtime of another series in the build is one error naming both versions.
                const _: () = #version::require(#name, #major, #minor, #patch);
            }
        }
        RuntimePlan::Vendored { .. } => quote! {
            pub mod #runtime_module;
        },
    };
    let disabled_module = ident(DISABLED_FEATURES);
    let disabled = plan.client.accessors.iter().map(|a| {
        let tag = &plan.tags[a.tag];
        let name = ident(&a.method);
        let f = &tag.feature;
        let trait_name = ident(&a.disabled_trait);
        let message = format!(
            "`Client::{}()` needs the Cargo feature `{f}` of `{}`",
            a.method, plan.krate.name
        );
        let label = format!("the `{f}` feature is off");
        // Without the crate's version: a version bump must not rewrite every note.
        let note = format!(
            "enable it in Cargo.toml: add \"{f}\" to the `features` of the `{}` dependency",
            plan.krate.name
        );
        let trait_doc = format!(
            " Implemented nowhere: calling `Client::{}()` without feature `{f}` names the feature.",
            a.method
        );
        (
            quote! {
                #[cfg(not(feature = #f))]
                #[doc = #trait_doc]
                #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
                pub trait #trait_name {}
            },
            quote! {
                #[cfg(not(feature = #f))]
                #[doc(hidden)]
                #[inline]
                pub fn #name(&self) where for<'a> &'a Client: #disabled_module::#trait_name {}
            },
        )
    });
    let (disabled_traits, disabled_accessors): (Vec<_>, Vec<_>) = disabled.unzip();
    let root_reexports = runtime_api::root_reexports().into_iter().map(ident);
    let prelude_reexports = runtime_api::prelude_reexports().into_iter().map(ident);
    quote! {
        #docs
        #![forbid(unsafe_code)]
        #![cfg_attr(docsrs, feature(doc_cfg))]
        #![allow(
            clippy::doc_lazy_continuation,
            clippy::doc_overindented_list_items,
            clippy::large_enum_variant,
            clippy::too_many_arguments,
            clippy::type_complexity
        )]

        pub mod models;
        #runtime
        #(#modules)*

        pub use #runtime_module::{#(#root_reexports),*};

        /// Configures a [`Client`] of this crate: `Client::builder(url)` or
        /// `ClientBuilder::from_env()`, the settings, then `.build()`.
        pub type ClientBuilder = #ClientBuilder<Client>;

        /// A Waldur API client: one accessor per tag (`client.openstack_volumes()`), each
        /// returning a handle whose methods build requests. Cheap to clone.
        ///
        /// Built with [`Client::new`] (token authentication) or [`Client::builder`].
        #[derive(Debug, Clone)]
        pub struct Client {
            inner: #Client,
        }

        impl Client {
            /// A client sending `Authorization: Token <token>` to `base_url`.
            #[inline]
            pub fn new(base_url: &str, token: &str) -> Result<Client, Error> {
                #Client::new(base_url, token).map(Client::from_runtime)
            }

            /// Configures a client: authentication scheme, timeouts, deadline, retries, page
            /// size, response size limit, a caller-supplied `reqwest::Client`.
            #[inline]
            pub fn builder(base_url: &str) -> ClientBuilder {
                ClientBuilder::new(base_url)
            }

            /// A client configured from the environment: `WALDUR_API_URL`, `WALDUR_API_TOKEN`
            /// and optionally `WALDUR_API_TOKEN_SCHEME` (`Token` by default, `Bearer` for OIDC
            /// and personal access tokens). Errors name the missing or invalid variable.
            #[inline]
            pub fn from_env() -> Result<Client, Error> {
                #Client::from_env().map(Client::from_runtime)
            }

            /// Wraps a configured runtime client.
            #[inline]
            pub fn from_runtime(inner: #Client) -> Client {
                Client { inner }
            }

            /// The runtime client (base URL, retry policy, raw requests with `execute`).
            #[inline]
            pub fn runtime(&self) -> &#Client {
                &self.inner
            }

            #(#accessors)*
            #(#disabled_accessors)*
        }

        /// What makes a call of a tag accessor whose feature is off a compile error that names
        /// the feature.
        #[doc(hidden)]
        pub mod #disabled_module {
            #(#disabled_traits)*
        }

        /// Typed expectations per tag on the runtime's mock server:
        /// `mock.openstack_volumes().retrieve(&uuid).returns(&volume)` (in the prelude). The
        /// generated client of a mock server is `Client::from(mock.client())`.
        #[cfg(feature = "mock")]
        #[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
        pub trait MockServerExt {
            #(#mock_decls)*
        }

        #[cfg(feature = "mock")]
        impl MockServerExt for #mock::MockServer {
            #(#mock_impls)*
        }

        impl From<#Client> for Client {
            #[inline]
            fn from(inner: #Client) -> Client {
                Client { inner }
            }
        }

        /// What a program using this crate usually needs, in one import: the client (this
        /// crate's, not the runtime's), its error, the stream traits (`StreamExt`,
        /// `TryStreamExt`), with feature `blocking` `.wait()` and `.wait_iter()`, and with
        /// feature `mock` the typed expectations of the mock server.
        pub mod prelude {
            pub use crate::#prelude::*;
            pub use crate::{Client, ClientBuilder, #(#prelude_reexports),*};
            #[cfg(feature = "blocking")]
            pub use crate::#blocking::{Wait, WaitIter};
            #[cfg(feature = "mock")]
            pub use crate::MockServerExt;
        }
    }
}

fn crate_docs(plan: &Plan) -> String {
    let k = &plan.krate;
    let mut text = format!("# {}\n\n", k.name);
    text.push_str(
        "Typed async client for the Waldur API, generated by `waldur-codegen` from the API reference.\n\
         Response models decode leniently (every field is a [`Lenient`] value, read with accessors\n\
         such as `volume.name()`; unknown keys are kept in `extra`), enums keep values they do not\n\
         know, list operations page, stream and count, and errors carry the server's Django REST\n\
         framework messages ([`Error`]).\n\n## Sources\n",
    );
    text.push_str(&escape_inline(&k.provenance));
    text.push_str("\n\n");
    for s in &k.sources {
        let mut line = format!("- `{}`", escape_inline(&s.path));
        if let Some(t) = &s.title {
            line.push_str(&format!(": {}", escape_inline(t)));
        }
        if let Some(v) = &s.version {
            line.push_str(&format!(", version {}", escape_inline(v)));
        }
        if !s.facts.is_empty() {
            let facts: Vec<String> = s
                .facts
                .iter()
                .map(|(k, v)| format!("{k} `{}`", v.replace('`', "'")))
                .collect();
            line.push_str(&format!(" ({})", facts.join(", ")));
        }
        text.push_str(&line);
        text.push('\n');
    }
    text.push_str("\n## Tags\n");
    for a in &plan.client.accessors {
        let tag = &plan.tags[a.tag];
        text.push_str(&format!(
            "- `{}`: {} operations, `client.{}()`, feature `{}`\n",
            tag.module,
            tag.operations.len(),
            a.method,
            tag.feature
        ));
    }
    text.push('\n');
    text.push_str(&usage_example(plan));
    text
}

/// A doc example that compiles against this crate whatever the spec: a call without
/// arguments, gated on its tag's feature, printing a page's items when it returns a page.
fn usage_example(plan: &Plan) -> String {
    let krate = &plan.krate.lib_name;
    let mut body = format!(
        "let client = {krate}::Client::new(\"https://waldur.example.com\", \"<api token>\")?;\n"
    );
    if let Some(call) = &plan.example.call {
        body.push_str(&format!("#[cfg(feature = \"{}\")]\n{{\n", call.feature));
        if call.page {
            body.push_str(&format!(
                "    let page = client.{}().{}().await?;\n    println!(\"{{}} of {{:?}} items\", page.items.len(), page.total);\n",
                call.accessor, call.method
            ));
        } else {
            body.push_str(&format!(
                "    let answer = client.{}().{}().await?;\n    println!(\"{{answer:?}}\");\n",
                call.accessor, call.method
            ));
        }
        body.push_str("}\n");
    }
    format!(
        "## Usage\n```no_run\n# async fn demo() -> Result<(), {krate}::Error> {{\n{body}# Ok(())\n# }}\n```"
    )
}

/// `src/models/mod.rs`: one module per model file, each type re-exported by name under its
/// gate (explicit re-exports resolve faster than globs in a crate of thousands of types).
pub fn models_mod(plan: &Plan) -> TokenStream {
    let mods = plan.model_files.iter().map(|file| {
        let m = ident(&file.file);
        let file_gate = file
            .feature
            .as_ref()
            .map(|f| quote!(#[cfg(feature = #f)]))
            .unwrap_or_default();
        let uses = file
            .types
            .iter()
            .filter_map(|name| plan.types.get(name))
            .map(|t| {
                let gate = super::gate_tokens(&t.gate);
                let id = ident(&t.ident);
                let builder = match &t.kind {
                    TypeKind::Request(RequestModel {
                        constructor: Constructor::Builder { builder },
                        ..
                    }) => {
                        let b = ident(builder);
                        quote!(#gate #file_gate pub use #m::#b;)
                    }
                    _ => quote!(),
                };
                quote! {
                    #gate #file_gate pub use #m::#id;
                    #builder
                }
            });
        quote! {
            #file_gate
            mod #m;
            #(#uses)*
        }
    });
    quote! {
        //! Request and response models.
        #(#mods)*
    }
}

/// `README.md` of the generated crate.
pub fn readme(plan: &Plan, header: &Header) -> String {
    let k = &plan.krate;
    let mut out = header.markdown();
    out.push_str(&format!("\n# {}\n\n{}\n\n", k.name, k.description));
    out.push_str(
        "Generated by `waldur-codegen` from the Waldur API reference. Every tag of the API is a\n\
         Cargo feature; `blocking` adds `.wait()` for calls without\n\
         async, `tracing` spans every request, `mock` provides a typed mock server for tests.\n\n",
    );
    let default_tags: Vec<&String> = k
        .default_features
        .iter()
        .filter(|f| k.tag_features.contains(f))
        .collect();
    if default_tags.len() == k.tag_features.len() {
        out.push_str("Every tag is on by default.\n\n");
    } else {
        let list = |tags: &[&String]| {
            tags.iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.push_str(&format!(
            "On by default: {}; the other {} tags are off until you enable their features\n\
             (calling the accessor of a tag whose feature is off is a compile error naming the\n\
             feature).\n\n",
            if default_tags.is_empty() {
                "no tag".to_string()
            } else {
                list(&default_tags)
            },
            k.tag_features.len() - default_tags.len()
        ));
    }
    out.push_str(&format!(
        "A crate you generated yourself is a path dependency (the directory you generated it\n\
         into); a published one is a version:\n\n\
         ```toml\n[dependencies]\n{name} = {{ path = \"../{name}\" }}\n# or, published:\n\
         # {name} = \"{version}\"\n```\n\n",
        name = k.name,
        version = k.version
    ));
    out.push_str(
        "See the crate documentation for the list of tags and an example.\n\n## License\n\nMIT\n",
    );
    out
}

/// The MIT license text of the generated crate.
pub const LICENSE: &str = "MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\nof this software and associated documentation files (the \"Software\"), to deal\nin the Software without restriction, including without limitation the rights\nto use, copy, modify, merge, publish, distribute, sublicense, and/or sell\ncopies of the Software, and to permit persons to whom the Software is\nfurnished to do so, subject to the following conditions:\n\nThe above copyright notice and this permission notice shall be included in all\ncopies or substantial portions of the Software.\n\nTHE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR\nIMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,\nFITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE\nAUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER\nLIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,\nOUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE\nSOFTWARE.\n";
