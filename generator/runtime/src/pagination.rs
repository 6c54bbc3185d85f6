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
    /// The page size the client asked for, when the request named one; the number of items
    /// when it named none (the server chose).
    pub page_size: u32,
    /// The page to fetch next; `None` on the last page.
    pub next_page: Option<u32>,
}

impl<T> Page<T> {
    pub fn has_next(&self) -> bool {
        self.next_page.is_some()
    }
}

impl<T: DeserializeOwned + 'static> Page<T> {
    /// Decodes a list response to page `page` of a list asked for in pages of `page_size`.
    ///
    /// `page_size` is what the client asked for: the caller's size, or the client's default
    /// when the caller gave none ([`super::call::paging`]; a stream passes the same size for
    /// every page). It caps the items of the page whatever the answered URL says: a same-origin
    /// redirect to `?page_size=100000000` does not raise it, and neither does a `next` link
    /// (the next request is the client's own, with its own size). A page with more items is an
    /// error, found at the first extra item.
    ///
    /// The next page comes from the `rel="next"` link; a `next` link that cannot be followed
    /// (no page number, beyond `u32`) is an [`Error::Pagination`]. Without a `Link` header the
    /// next page is inferred from `page_size` and `X-Result-Count` when the answered URL names
    /// a size (the server was asked for one), never from a size that was not sent.
    ///
    /// An answer with neither `Link` nor `X-Result-Count` that holds more items than the page
    /// size is not a page: the server ignored the paging parameters and sent the whole list
    /// (Waldur does so for lists such as `/api/customers/countries/`, documented as
    /// paginated). It is kept whole, as the only page, bounded like any body by the response
    /// size limit and the decode memory budget ([`super::limits`]) instead of by the page
    /// size.
    pub fn from_response(resp: &ApiResponse, page: u32, page_size: u32) -> Result<Page<T>, Error> {
        let cap = page_size.max(1);
        // The URL the answer came from says only whether a size was sent at all (a redirect
        // may have changed its value, never the cap).
        let sized = resp
            .request_query_param("page_size")
            .and_then(|s| s.trim().parse::<u32>().ok())
            .is_some_and(|n| n > 0);
        let requested = sized.then_some(cap);
        let paginated = resp.has_link_header() || resp.headers.contains_key("x-result-count");
        let items: Vec<T> = resp.decode_list(if paginated { cap as usize } else { usize::MAX })?;
        if items.len() > cap as usize {
            return Ok(Page {
                page_size: requested.unwrap_or(u32::try_from(items.len()).unwrap_or(u32::MAX)),
                items,
                total: None,
                page,
                next_page: None,
            });
        }
        let total = resp.result_count();
        let next_page = if resp.has_link_header() {
            resp.next_page_link().map_err(|reason| {
                Error::Pagination(format!("page {page} of {}: {reason}", resp.url))
            })?
        } else {
            infer_next_page(page, requested, items.len(), total)
        };
        Ok(Page {
            page_size: requested.unwrap_or(u32::try_from(items.len()).unwrap_or(u32::MAX)),
            items,
            total,
            page,
            next_page,
        })
    }
}

/// The next page when the server sent no `Link`. With a requested size: while pages are full
/// and (if known) fewer than `total` items were seen. Without one the server's page size is
/// unknown, so only a first page shorter than `total` says there is more.
fn infer_next_page(
    page: u32,
    requested: Option<u32>,
    len: usize,
    total: Option<u64>,
) -> Option<u32> {
    if len == 0 {
        return None;
    }
    let len = len as u64;
    match requested {
        Some(size) => {
            if len < u64::from(size) {
                return None;
            }
            if let Some(total) = total {
                let seen = u64::from(page.saturating_sub(1)) * u64::from(size) + len;
                if seen >= total {
                    return None;
                }
            }
            page.checked_add(1)
        }
        None => (page == 1 && total.is_some_and(|t| len < t)).then_some(2),
    }
}

/// How a [`paginate_with`] stream walks the pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageOptions {
    /// Items per page requested (1..=300).
    pub page_size: u32,
    /// Stop after this many items (a quiet end: the caller asked for no more).
    pub limit: Option<u64>,
    /// Fetch at most this many pages; a server still announcing more after the last one is an
    /// [`Error::Pagination`], so truncation is never silent.
    pub max_pages: Option<u32>,
}

impl PageOptions {
    pub fn new(page_size: u32) -> PageOptions {
        PageOptions {
            page_size,
            limit: None,
            max_pages: None,
        }
    }
}

struct State<T, F> {
    fetch: F,
    items: std::vec::IntoIter<T>,
    next_page: Option<u32>,
    page_size: u32,
    remaining: Option<u64>,
    max_pages: Option<u32>,
    pages_fetched: u32,
    seen: u64,
    pending: Option<Error>,
    done: bool,
}

/// Stream of all items across pages, starting at page 1 (see [`paginate_with`]; no page cap).
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
    paginate_with(
        PageOptions {
            page_size,
            limit,
            max_pages: None,
        },
        fetch,
    )
}

/// Stream of all items across pages, starting at page 1. `fetch(page, page_size)` fetches one
/// page. Follows `next_page`; stops quietly after `limit` items if given (a limit below the page
/// size also shrinks the requested pages). It ends with an [`Error::Pagination`], never
/// quietly, when the server's next page does not come after the current one, when a page is
/// empty yet announces a next one, when it keeps announcing pages after more items than its
/// own `X-Result-Count` (plus a page) were seen, or when `max_pages` pages were fetched and the
/// server announces more. Any error is yielded and ends the stream. At most one page is
/// buffered.
pub fn paginate_with<T, F, Fut>(
    options: PageOptions,
    fetch: F,
) -> impl Stream<Item = Result<T, Error>> + Send + Unpin
where
    F: FnMut(u32, u32) -> Fut + Send,
    Fut: Future<Output = Result<Page<T>, Error>> + Send,
    T: Send,
{
    let page_size = match options.limit {
        // Fetching more than the limit would only be thrown away.
        Some(limit) if limit > 0 => options
            .page_size
            .max(1)
            .min(u32::try_from(limit).unwrap_or(u32::MAX)),
        _ => options.page_size.max(1),
    };
    let state = State {
        fetch,
        items: Vec::new().into_iter(),
        next_page: Some(1),
        page_size,
        remaining: options.limit,
        max_pages: options.max_pages,
        pages_fetched: 0,
        seen: 0,
        pending: None,
        done: false,
    };
    Box::pin(futures_util::stream::unfold(state, next_item))
}

async fn next_item<T, F, Fut>(mut st: State<T, F>) -> Option<(Result<T, Error>, State<T, F>)>
where
    F: FnMut(u32, u32) -> Fut,
    Fut: Future<Output = Result<Page<T>, Error>>,
{
    loop {
        if st.done || st.remaining == Some(0) {
            return None;
        }
        if let Some(item) = st.items.next() {
            if let Some(remaining) = st.remaining.as_mut() {
                *remaining -= 1;
            }
            return Some((Ok(item), st));
        }
        // A problem with the last page's `next` is reported after its (good) items.
        if let Some(error) = st.pending.take() {
            st.done = true;
            return Some((Err(error), st));
        }
        let page = st.next_page.take()?;
        if let Some(max) = st.max_pages.filter(|max| st.pages_fetched >= *max) {
            st.done = true;
            let error = Error::Pagination(format!(
                "the cap of {max} pages was reached and the server announces page {page}"
            ));
            return Some((Err(error), st));
        }
        match (st.fetch)(page, st.page_size).await {
            Ok(fetched) => {
                st.pages_fetched += 1;
                st.seen += fetched.items.len() as u64;
                match check_next(page, &fetched, st.seen) {
                    Ok(()) => st.next_page = fetched.next_page,
                    Err(reason) => st.pending = Some(Error::Pagination(reason)),
                }
                st.items = fetched.items.into_iter();
            }
            Err(e) => {
                st.done = true;
                return Some((Err(e), st));
            }
        }
    }
}

/// Whether the `next` of a fetched page can be followed.
fn check_next<T>(page: u32, fetched: &Page<T>, seen: u64) -> Result<(), String> {
    let Some(next) = fetched.next_page else {
        return Ok(());
    };
    if next <= page {
        return Err(format!(
            "page {page} names page {next} as the next one, which does not come after it"
        ));
    }
    if fetched.items.is_empty() {
        return Err(format!(
            "page {page} is empty but names page {next} as the next one"
        ));
    }
    if let Some(total) = fetched.total {
        // One page of slack for items created while listing.
        if seen >= total.saturating_add(fetched.items.len() as u64) {
            return Err(format!(
                "after {seen} items, more than the {total} the server counts (X-Result-Count), \
                 page {page} still names page {next} as the next one"
            ));
        }
    }
    Ok(())
}
