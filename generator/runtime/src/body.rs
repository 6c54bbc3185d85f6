//! Reading response bodies chunk by chunk, never past a limit.

use bytes::{Bytes, BytesMut};
use reqwest::{Method, Url};

use super::error::{BodyTooLargeError, Error};

/// Default of [`super::ClientBuilder::max_response_bytes`]: 32 MiB. A page of 300 of Waldur's
/// largest models (marketplace offerings with plans, components and options, a few tens of KB
/// each) is around 10 MB; a bigger successful body is refused instead of buffered.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 32 * 1024 * 1024;

/// The whole body of a successful response, or [`Error::BodyTooLarge`] as soon as it is known
/// to exceed `limit`: at once from `Content-Length`, else when the bytes read pass it.
pub(super) async fn read_limited(
    mut resp: reqwest::Response,
    limit: u64,
    method: &Method,
    url: &Url,
) -> Result<Bytes, Error> {
    let too_large = |content_length| {
        Error::BodyTooLarge(Box::new(BodyTooLargeError {
            method: method.clone(),
            url: url.clone(),
            limit,
            content_length,
        }))
    };
    let announced = resp.content_length();
    if let Some(len) = announced.filter(|len| *len > limit) {
        return Err(too_large(Some(len)));
    }
    // Trust the announced length only up to the limit for the first allocation.
    let mut buf = BytesMut::with_capacity(announced.unwrap_or(0).min(limit).min(1 << 20) as usize);
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| super::client::map_reqwest_error(e, method, url))?
    {
        if buf.len() as u64 + chunk.len() as u64 > limit {
            return Err(too_large(None));
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.freeze())
}

/// At most `limit` bytes of an error response's body, and whether there was more. The rest
/// is not downloaded (the connection is dropped). A body cut short by the network keeps what
/// arrived: the status is what matters.
pub(super) async fn read_prefix(mut resp: reqwest::Response, limit: usize) -> (Bytes, bool) {
    let mut buf = BytesMut::new();
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                let room = limit - buf.len();
                if chunk.len() > room {
                    buf.extend_from_slice(&chunk[..room]);
                    return (buf.freeze(), true);
                }
                buf.extend_from_slice(&chunk);
            }
            Ok(None) => return (buf.freeze(), false),
            Err(_) => return (buf.freeze(), true),
        }
    }
}
