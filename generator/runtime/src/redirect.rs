//! Which redirects the client follows: only same-origin ones, and only for GET and HEAD.
//!
//! reqwest's default policy follows up to 10 redirects anywhere, keeps the `Authorization`
//! header when only the scheme changes (`https://h:8443` -> `http://h:8443` sends the token in
//! cleartext), replays a POST body on 307/308 and turns a POST into a GET on 303. The client
//! therefore builds its `reqwest::Client` with `redirect::Policy::none()` and decides here:
//!
//! - another origin (scheme, host or port differ, an `https` -> `http` downgrade included):
//!   refused with [`Error::Redirect`], whatever the method; the token never leaves the origin
//!   of the base URL;
//! - POST, PUT, PATCH, DELETE: refused (a redirected action is neither replayed nor turned into
//!   a GET and reported as done);
//! - GET and HEAD to the same origin: followed, at most [`MAX_REDIRECTS`] times.
//!
//! A caller-supplied `reqwest::Client` follows redirects by its own policy before the runtime
//! sees the answer; the runtime then refuses any answer that came from another origin, or that
//! a non-GET/HEAD request got through a redirect. Build such a client with
//! `redirect(reqwest::redirect::Policy::none())`: only then is a same-host scheme downgrade
//! stopped before the token is sent.

use reqwest::header::LOCATION;
use reqwest::{Method, Url};

use super::error::{Error, RedirectError};

/// Same-origin redirects followed for one attempt.
pub const MAX_REDIRECTS: u32 = 5;

fn is_safe(method: &Method) -> bool {
    *method == Method::GET || *method == Method::HEAD
}

fn refused(
    method: &Method,
    url: &Url,
    status: Option<u16>,
    location: &str,
    reason: String,
) -> Error {
    Error::Redirect(Box::new(RedirectError {
        method: method.clone(),
        url: url.clone(),
        status,
        location: location.to_owned(),
        reason,
    }))
}

/// The URL to follow for this response (see [`decide`]).
pub(super) fn next_hop(
    method: &Method,
    url: &Url,
    resp: &reqwest::Response,
    hops: u32,
) -> Result<Option<Url>, Error> {
    let location = resp
        .headers()
        .get(LOCATION)
        .map(|l| String::from_utf8_lossy(l.as_bytes()).into_owned());
    decide(
        method,
        url,
        resp.status().as_u16(),
        location.as_deref(),
        hops,
    )
}

/// What to do with an answer of `status` with `location` to `method url`, after `hops`
/// redirects: `Ok(None)` when it is not a redirect to follow (not 301/302/303/307/308, or no
/// `Location`: then it is handled as a status outside 2xx), `Ok(Some(target))` to follow it,
/// or the refusal.
pub fn decide(
    method: &Method,
    url: &Url,
    status: u16,
    location: Option<&str>,
    hops: u32,
) -> Result<Option<Url>, Error> {
    if !matches!(status, 301 | 302 | 303 | 307 | 308) {
        return Ok(None);
    }
    let Some(location) = location else {
        return Ok(None);
    };
    let target = url.join(location.trim()).map_err(|e| {
        refused(
            method,
            url,
            Some(status),
            location,
            format!("the Location is not a valid URL ({e})"),
        )
    })?;
    if target.origin() != url.origin() {
        let reason = if target.host() == url.host() && target.scheme() != url.scheme() {
            format!(
                "it changes the scheme from {} to {}; the credentials are only sent to the \
                 origin of the base URL (use the target's scheme in the base URL if it is right)",
                url.scheme(),
                target.scheme()
            )
        } else {
            "it leads to another origin; the credentials are only sent to the origin of the \
             base URL"
                .to_owned()
        };
        return Err(refused(method, url, Some(status), location, reason));
    }
    if !is_safe(method) {
        return Err(refused(
            method,
            url,
            Some(status),
            location,
            format!(
                "a {method} is not repeated at another URL (it may have taken effect, and \
                 following could report an action that did not happen)"
            ),
        ));
    }
    if hops >= MAX_REDIRECTS {
        return Err(refused(
            method,
            url,
            Some(status),
            location,
            format!("more than {MAX_REDIRECTS} redirects"),
        ));
    }
    Ok(Some(target))
}

/// Refuses an answer that a caller-supplied client got by following a redirect itself: from
/// another origin, or for a method other than GET and HEAD.
pub(super) fn check_followed(
    method: &Method,
    requested: &Url,
    resp: &reqwest::Response,
) -> Result<(), Error> {
    let answered = resp.url();
    if answered == requested {
        return Ok(());
    }
    let reason = if answered.origin() != requested.origin() {
        "the caller-supplied HTTP client followed it to another origin, and its answer is not \
         accepted; build that client with redirect::Policy::none()"
    } else if !is_safe(method) {
        "the caller-supplied HTTP client followed it, but a redirected action is not accepted \
         as done; build that client with redirect::Policy::none()"
    } else {
        return Ok(());
    };
    Err(refused(
        method,
        requested,
        None,
        answered.as_str(),
        reason.to_owned(),
    ))
}
