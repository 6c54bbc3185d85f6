//! A client configured from environment variables ([`super::client::Client::from_env`]).
//!
//! | variable | meaning |
//! |---|---|
//! | `WALDUR_API_URL` | required: the Waldur server (`https://waldur.example.com`); a trailing `/api/` is accepted |
//! | `WALDUR_API_TOKEN` | required: the API token (surrounding whitespace removed) |
//! | `WALDUR_API_TOKEN_SCHEME` | optional: the `Authorization` scheme, `Token` by default; `Bearer` for OIDC access tokens and personal access tokens |
//! | `WALDUR_CA_BUNDLE` | optional: path of a PEM file with one or more CA certificates to trust besides the built-in roots (a site behind an internal CA); see [`ClientBuilder::root_certificate`] |
//!
//! Errors name the variable and never show the token; an unreadable CA bundle, or one without
//! a certificate, is an error naming the variable and the path.

use super::client::{Client, ClientBuilder, auth_header, parse_base_url};
use super::error::Error;

/// The variable holding the server URL.
pub const API_URL_VAR: &str = "WALDUR_API_URL";
/// The variable holding the API token.
pub const API_TOKEN_VAR: &str = "WALDUR_API_TOKEN";
/// The variable holding the `Authorization` scheme (default `Token`).
pub const API_TOKEN_SCHEME_VAR: &str = "WALDUR_API_TOKEN_SCHEME";
/// The variable holding the path of a PEM file of CA certificates to trust.
pub const CA_BUNDLE_VAR: &str = "WALDUR_CA_BUNDLE";

/// The scheme used when `WALDUR_API_TOKEN_SCHEME` is not set.
const DEFAULT_SCHEME: &str = "Token";

impl Client {
    /// A client configured from `WALDUR_API_URL`, `WALDUR_API_TOKEN` and (optionally)
    /// `WALDUR_API_TOKEN_SCHEME` and `WALDUR_CA_BUNDLE`; see [`super::env`](mod@super::env).
    /// For further settings use [`ClientBuilder::from_env`].
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::<Client>::from_env()?.build()
    }
}

/// Generic over what `build` gives, like [`ClientBuilder::new`]: a generated crate's
/// `ClientBuilder` (an alias with its own `Client`) builds that crate's client from the
/// environment too.
impl<C: From<Client>> ClientBuilder<C> {
    /// A builder configured from the environment variables of [`super::env`](mod@super::env), to be
    /// completed (`.timeout(..)`, `.retry(..)`) and built. A variable that is missing, empty
    /// or not valid Unicode is an [`Error::Config`] naming it, and so is an invalid URL or
    /// token. The file `WALDUR_CA_BUNDLE` names is read here: unreadable, or without a
    /// certificate, it is an error naming the variable and the path.
    pub fn from_env() -> Result<ClientBuilder<C>, Error> {
        ClientBuilder::from_vars(|name| std::env::var_os(name).map(|v| v.into_string()))
    }

    /// Like [`ClientBuilder::from_env`], reading the variables through `lookup`: `None` for
    /// a variable that is not set, `Some(Err(raw))` for one that is not valid Unicode. For
    /// tests and for configuration kept elsewhere than in the process environment.
    pub fn from_vars<F>(lookup: F) -> Result<ClientBuilder<C>, Error>
    where
        F: Fn(&str) -> Option<Result<String, std::ffi::OsString>>,
    {
        let url = required(
            &lookup,
            API_URL_VAR,
            "the Waldur server URL, e.g. https://waldur.example.com",
        )?;
        let token = required(&lookup, API_TOKEN_VAR, "a Waldur API token")?;
        let scheme = match optional(&lookup, API_TOKEN_SCHEME_VAR)? {
            Some(scheme) => scheme,
            None => DEFAULT_SCHEME.to_owned(),
        };
        if scheme.is_empty()
            || !scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(Error::Config(format!(
                "{API_TOKEN_SCHEME_VAR}={scheme:?} is not an authorization scheme \
                 (letters, digits and '-', such as Token or Bearer)"
            )));
        }
        // Checked here so that the error names the variable (and never shows the token).
        parse_base_url(&url).map_err(|e| in_var(API_URL_VAR, e))?;
        auth_header(scheme.clone(), &token).map_err(|e| in_var(API_TOKEN_VAR, e))?;
        let builder = ClientBuilder::new(&url).auth_scheme(&scheme, &token);
        match optional(&lookup, CA_BUNDLE_VAR)? {
            Some(path) => Ok(builder.root_certificate(read_ca_bundle(&path)?)),
            None => Ok(builder),
        }
    }
}

/// The contents of the CA bundle at `path`, checked to hold certificates (when TLS is built
/// in; without it `build` refuses any root certificate).
fn read_ca_bundle(path: &str) -> Result<Vec<u8>, Error> {
    let pem = std::fs::read(path).map_err(|e| {
        Error::Config(format!(
            "environment variable {CA_BUNDLE_VAR}: cannot read the CA bundle {path:?}: {e}"
        ))
    })?;
    #[cfg(any(feature = "rustls-tls", feature = "native-tls"))]
    super::client::pem_certificates(&pem).map_err(|e| {
        Error::Config(format!(
            "environment variable {CA_BUNDLE_VAR}: the CA bundle {path:?}: {e}"
        ))
    })?;
    Ok(pem)
}

/// `WALDUR_API_URL: <message>` for a configuration error caused by a variable's value.
fn in_var(name: &str, e: Error) -> Error {
    match e {
        Error::Config(msg) => Error::Config(format!("environment variable {name}: {msg}")),
        other => other,
    }
}

/// A variable that must be set and not blank; its value trimmed.
fn required<F>(lookup: &F, name: &str, what: &str) -> Result<String, Error>
where
    F: Fn(&str) -> Option<Result<String, std::ffi::OsString>>,
{
    match optional(lookup, name)? {
        Some(value) => Ok(value),
        None => Err(Error::Config(format!(
            "environment variable {name} is not set; set it to {what}"
        ))),
    }
}

/// A variable that may be unset; its value trimmed. Set but blank is an error: in a
/// deployment file that is almost always a mistake.
fn optional<F>(lookup: &F, name: &str) -> Result<Option<String>, Error>
where
    F: Fn(&str) -> Option<Result<String, std::ffi::OsString>>,
{
    match lookup(name) {
        None => Ok(None),
        Some(Err(_)) => Err(Error::Config(format!(
            "environment variable {name} is not valid Unicode"
        ))),
        Some(Ok(value)) if value.trim().is_empty() => Err(Error::Config(format!(
            "environment variable {name} is set but empty"
        ))),
        Some(Ok(value)) => Ok(Some(value.trim().to_owned())),
    }
}
