//! Pages of list responses and a stream over all their items.
//!
//! Waldur lists are bare JSON arrays paginated with `page` (1-based) and `page_size`; the
//! total is in `X-Result-Count` and the next page in `Link: <...>; rel="next"`.

use std::future::Future;

use futures_core::Stream;
use serde::de::DeserializeOwned;

use super::error::Error;
use super::response::ApiResponse;

/// One page of a list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// `X-Result-Count`, when the server sent it.
    pub total: Option<u64>,
    /// The number of this page (1-based).
    pub page: u32,
    /// The page size that was requested.
    pub page_size: u32,
    /// The page to fetch next; `None` on the last page.
    pub next_page: Option<u32>,
}

impl<T> Page<T> {
    pub fn has_next(&self) -> bool {
        self.next_page.is_some()
    }
}

impl<T: DeserializeOwned> Page<T> {
    /// Decodes a list response. The next page comes from the `rel="next"` link; when the
    /// response has no `Link` header at all, there is a next page while this page is full and
    /// the items seen so far (assuming full earlier pages) are fewer than the total.
    pub fn from_response(resp: &ApiResponse, page: u32, page_size: u32) -> Result<Page<T>, Error> {
        // A 2xx list answered without a body is an empty page, not an error.
        let items: Vec<T> = resp.decode_optional()?.unwrap_or_default();
        let total = resp.result_count();
        let next_page = if resp.has_link_header() {
            resp.next_page()
        } else {
            infer_next_page(page, page_size, items.len(), total)
        };
        Ok(Page {
            items,
            total,
            page,
            page_size,
            next_page,
        })
    }
}

fn infer_next_page(page: u32, page_size: u32, len: usize, total: Option<u64>) -> Option<u32> {
    if len == 0 || (len as u64) < u64::from(page_size) {
        return None;
    }
    if let Some(total) = total {
        let seen = u64::from(page.saturating_sub(1)) * u64::from(page_size) + len as u64;
        if seen >= total {
            return None;
        }
    }
    page.checked_add(1)
}

struct State<T, F> {
    fetch: F,
    items: std::vec::IntoIter<T>,
    next_page: Option<u32>,
    page_size: u32,
    remaining: Option<u64>,
}

/// Stream of all items across pages, starting at page 1. `fetch(page, page_size)` fetches one
/// page. Follows `next_page`; stops after `limit` items if given (a limit below the page size
/// also shrinks the requested pages). An empty page, or a next page that does not move
/// forward, ends the stream (protection against a looping server). An error is yielded and
/// ends the stream. At most one page is buffered.
pub fn paginate<T, F, Fut>(
    page_size: u32,
    limit: Option<u64>,
    fetch: F,
) -> impl Stream<Item = Result<T, Error>> + Send + Unpin
where
    F: FnMut(u32, u32) -> Fut + Send,
    Fut: Future<Output = Result<Page<T>, Error>> + Send,
    T: Send,
{
    let page_size = match limit {
        // Fetching more than the limit would only be thrown away.
        Some(limit) if limit > 0 => page_size
            .max(1)
            .min(u32::try_from(limit).unwrap_or(u32::MAX)),
        _ => page_size.max(1),
    };
    let state = State {
        fetch,
        items: Vec::new().into_iter(),
        next_page: Some(1),
        page_size,
        remaining: limit,
    };
    Box::pin(futures_util::stream::unfold(state, next_item))
}

async fn next_item<T, F, Fut>(mut st: State<T, F>) -> Option<(Result<T, Error>, State<T, F>)>
where
    F: FnMut(u32, u32) -> Fut,
    Fut: Future<Output = Result<Page<T>, Error>>,
{
    loop {
        if st.remaining == Some(0) {
            return None;
        }
        if let Some(item) = st.items.next() {
            if let Some(remaining) = st.remaining.as_mut() {
                *remaining -= 1;
            }
            return Some((Ok(item), st));
        }
        let page = st.next_page.take()?;
        match (st.fetch)(page, st.page_size).await {
            Ok(fetched) => {
                st.next_page = fetched
                    .next_page
                    .filter(|next| *next > page && !fetched.items.is_empty());
                st.items = fetched.items.into_iter();
            }
            Err(e) => return Some((Err(e), st)),
        }
    }
}
