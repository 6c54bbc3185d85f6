//! Page decoding, `Link`/`X-Result-Count` parsing and the stream over all pages, driven
//! through a real client against the loopback server.

mod support;

use bytes::Bytes;
use futures_util::StreamExt;
use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderValue, LINK};
use support::{TestServer, json, respond};
use waldur_client_runtime::response::link_page;
use waldur_client_runtime::{ApiRequest, ApiResponse, Client, Error, Page, RetryPolicy, paginate};

fn response(headers: &[(&str, &str)], body: &str) -> ApiResponse {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        map.append(
            reqwest::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    ApiResponse {
        status: 200,
        headers: map,
        body: Bytes::from(body.to_owned()),
        method: Method::GET,
        url: "https://waldur.example.com/api/x/".parse().unwrap(),
    }
}

/// A list page whose links point at a host the client cannot reach.
fn page_reply(items: &str, page: u32, last: u32, total: u64) -> support::Reply {
    let wrong = "https://internal-backend:8000/api/customers/?o=name,created";
    let mut links = vec![format!("<{wrong}&page=1&page_size=2>; rel=\"first\"")];
    if page > 1 {
        links.push(format!(
            "<{wrong}&page={}&page_size=2>; rel=\"prev\"",
            page - 1
        ));
    }
    if page < last {
        links.push(format!(
            "<{wrong}&page={}&page_size=2>; rel=\"next\"",
            page + 1
        ));
    }
    links.push(format!("<{wrong}&page={last}&page_size=2>; rel=\"last\""));
    let link = links.join(", ");
    let total = total.to_string();
    respond(
        "200 OK",
        &[
            ("Content-Type", "application/json"),
            ("X-Result-Count", &total),
            ("Link", &link),
        ],
        items,
    )
}

type PageFuture = std::pin::Pin<Box<dyn Future<Output = Result<Page<u32>, Error>> + Send>>;

/// What generated `list_all` code does: one request per page with `page` and `page_size`.
fn fetcher(client: &Client) -> impl FnMut(u32, u32) -> PageFuture + Send + use<> {
    let client = client.clone();
    move |page, page_size| {
        let client = client.clone();
        Box::pin(async move {
            let mut req = ApiRequest::new(Method::GET, "/api/customers/".to_owned());
            req.query().push_joined("o", &["name", "created"]);
            req.query().push("page", &page);
            req.query().push("page_size", &page_size);
            let resp = client.execute(req).await?;
            Page::from_response(&resp, page, page_size)
        })
    }
}

fn request_lines(server: &TestServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .map(|r| r.request_line().to_owned())
        .collect()
}

async fn collect(
    stream: impl futures_core::Stream<Item = Result<u32, Error>> + Unpin,
) -> Vec<Result<u32, String>> {
    stream.map(|r| r.map_err(|e| e.to_string())).collect().await
}

#[tokio::test]
async fn stream_follows_next_links_by_page_number_only() {
    let server = TestServer::start(vec![
        page_reply("[1,2]", 1, 3, 5),
        page_reply("[3,4]", 2, 3, 5),
        page_reply("[5]", 3, 3, 5),
    ])
    .await;
    let client = Client::builder(&server.url).build().unwrap();
    let items = collect(paginate(2, None, fetcher(&client))).await;
    assert_eq!(items, [Ok(1), Ok(2), Ok(3), Ok(4), Ok(5)]);
    assert_eq!(
        request_lines(&server),
        [
            "GET /api/customers/?o=name,created&page=1&page_size=2 HTTP/1.1",
            "GET /api/customers/?o=name,created&page=2&page_size=2 HTTP/1.1",
            "GET /api/customers/?o=name,created&page=3&page_size=2 HTTP/1.1",
        ]
    );
}

#[tokio::test]
async fn limit_stops_the_stream_and_fetching() {
    let server = TestServer::start(vec![
        page_reply("[1,2]", 1, 3, 5),
        page_reply("[3,4]", 2, 3, 5),
        page_reply("[5]", 3, 3, 5),
    ])
    .await;
    let client = Client::builder(&server.url).build().unwrap();
    let items = collect(paginate(2, Some(3), fetcher(&client))).await;
    assert_eq!(items, [Ok(1), Ok(2), Ok(3)]);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn limit_below_page_size_shrinks_the_page_and_zero_fetches_nothing() {
    let server = TestServer::start(vec![page_reply("[1]", 1, 5, 5)]).await;
    let client = Client::builder(&server.url).build().unwrap();
    let items = collect(paginate(300, Some(1), fetcher(&client))).await;
    assert_eq!(items, [Ok(1)]);
    assert_eq!(
        request_lines(&server),
        ["GET /api/customers/?o=name,created&page=1&page_size=1 HTTP/1.1"]
    );
    let none = collect(paginate(300, Some(0), fetcher(&client))).await;
    assert!(none.is_empty());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn without_link_header_a_short_page_or_the_total_ends_the_stream() {
    let server = TestServer::start(vec![
        json("200 OK", "[1,2]"),
        json("200 OK", "[3,4]"),
        json("200 OK", "[5]"),
        respond("200 OK", &[("X-Result-Count", "4")], "[6,7]"),
        respond("200 OK", &[("X-Result-Count", "4")], "[8,9]"),
    ])
    .await;
    let client = Client::builder(&server.url).build().unwrap();
    let short = collect(paginate(2, None, fetcher(&client))).await;
    assert_eq!(short, [Ok(1), Ok(2), Ok(3), Ok(4), Ok(5)]);
    let by_total = collect(paginate(2, None, fetcher(&client))).await;
    assert_eq!(by_total, [Ok(6), Ok(7), Ok(8), Ok(9)]);
    assert_eq!(server.requests().len(), 5);
}

#[tokio::test]
async fn an_error_is_yielded_and_ends_the_stream() {
    let server = TestServer::start(vec![
        page_reply("[1,2]", 1, 3, 5),
        json("500 Internal Server Error", r#"{"detail":"boom"}"#),
    ])
    .await;
    let client = Client::builder(&server.url)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let items = collect(paginate(2, None, fetcher(&client))).await;
    assert_eq!(
        items,
        [
            Ok(1),
            Ok(2),
            Err(format!(
                "HTTP 500 Internal Server Error from GET \
                 {}/api/customers/?o=name,created&page=2&page_size=2: boom",
                server.url
            ))
        ]
    );
}

#[tokio::test]
async fn a_next_link_that_does_not_advance_ends_the_stream_with_an_error() {
    let looping = "<https://h/api/x/?page=1>; rel=\"next\"";
    let server = TestServer::start(vec![respond("200 OK", &[("Link", looping)], "[1,2]")]).await;
    let client = Client::builder(&server.url).build().unwrap();
    let items = collect(paginate(2, None, fetcher(&client))).await;
    assert_eq!(
        items,
        [
            Ok(1),
            Ok(2),
            Err(
                "pagination stopped: page 1 names page 1 as the next one, which does not come \
                 after it"
                    .to_owned()
            )
        ]
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn decode_error_of_a_page_names_the_item() {
    let server = TestServer::start(vec![json("200 OK", r#"[1,"two"]"#)]).await;
    let client = Client::builder(&server.url).build().unwrap();
    let items = collect(paginate(2, None, fetcher(&client))).await;
    assert_eq!(
        items,
        [Err(format!(
            "cannot decode the response of GET {}/api/customers/?o=name,created&page=1&page_size=2 \
             (HTTP 200) at [1]: invalid type: string \"two\", expected u32 at line 1 column 8; \
             body near the error: \"[1,\\\"two\\\"]\"",
            server.url
        ))]
    );
}

#[test]
fn page_from_response_reads_count_and_next() {
    let resp = response(
        &[
            ("X-Result-Count", "1234"),
            (
                "Link",
                "<https://h/api/x/?page=1>; rel=\"first\", <https://h/api/x/?page=3&page_size=2>; rel=\"next\"",
            ),
        ],
        "[1,2]",
    );
    let page: Page<u32> = Page::from_response(&resp, 2, 2).unwrap();
    assert_eq!(
        page,
        Page {
            items: vec![1, 2],
            total: Some(1234),
            page: 2,
            page_size: 2,
            next_page: Some(3),
        }
    );
    assert!(page.has_next());
    let last = response(
        &[("Link", "<https://h/api/x/?page=1>; rel=\"first\"")],
        "[1,2]",
    );
    let page: Page<u32> = Page::from_response(&last, 4, 2).unwrap();
    assert_eq!(page.next_page, None);
    assert!(!page.has_next());
}

#[test]
fn result_count_parsing() {
    assert_eq!(
        response(&[("X-Result-Count", " 42 ")], "").result_count(),
        Some(42)
    );
    assert_eq!(
        response(&[("X-Result-Count", "-1")], "").result_count(),
        None
    );
    assert_eq!(
        response(&[("X-Result-Count", "many")], "").result_count(),
        None
    );
    assert_eq!(response(&[], "").result_count(), None);
    // Two that disagree: neither is trusted. Two that agree: one.
    assert_eq!(
        response(&[("X-Result-Count", "5"), ("X-Result-Count", "7")], "").result_count(),
        None
    );
    assert_eq!(
        response(&[("X-Result-Count", "5"), ("X-Result-Count", " 5")], "").result_count(),
        Some(5)
    );
    assert_eq!(
        response(&[("X-Result-Count", "5"), ("X-Result-Count", "x")], "").result_count(),
        None
    );
}

#[test]
fn an_unreadable_link_header_is_a_pagination_error_not_the_end() {
    let mut resp = response(&[("X-Result-Count", "30")], "[1, 2]");
    resp.headers.append(
        LINK,
        HeaderValue::from_bytes(b"<http://h/api/x/?page=2\xff>; rel=\"next\"").unwrap(),
    );
    assert_eq!(
        resp.next_page_link(),
        Err("a Link header is not readable text (its bytes start \"<http://h/api/x/?page=2\u{fffd}>; rel=\\\"next\\\"\")".to_string())
    );
    match Page::<u32>::from_response(&resp, 1, 2) {
        Err(Error::Pagination(message)) => assert_eq!(
            message,
            "page 1 of https://waldur.example.com/api/x/: a Link header is not readable text \
             (its bytes start \"<http://h/api/x/?page=2\u{fffd}>; rel=\\\"next\\\"\")"
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn link_header_parsing() {
    let cases: [(&str, &str, Option<u32>); 10] = [
        (
            "<https://wrong/api/x/?page=2>; rel=\"next\"",
            "next",
            Some(2),
        ),
        ("<https://wrong/api/x/?page=2>; rel=next", "next", Some(2)),
        (
            "<https://wrong/api/x/?page=2>; REL=\"Next\"",
            "next",
            Some(2),
        ),
        (
            "<https://h/?o=a,b&page=1>; rel=\"prev first\", <https://h/?o=a,b&page=3&page_size=2>; rel=\"next\"",
            "next",
            Some(3),
        ),
        (
            "<https://h/?page=1>; rel=\"prev first\", <https://h/?page=3>; rel=\"next\"",
            "first",
            Some(1),
        ),
        ("<https://h/?page_size=2>; rel=\"next\"", "next", None),
        ("<https://h/?page=x>; rel=\"next\"", "next", None),
        (
            "<https://h/?page=9#frag>; title=\"a; rel=next\"; rel=\"last\"",
            "next",
            None,
        ),
        ("https://h/?page=2; rel=\"next\"", "next", None),
        ("<https://h/?page=2", "next", None),
    ];
    for (header, rel, expected) in cases {
        assert_eq!(link_page(header, rel), expected, "{header} {rel}");
    }
    // The next link may come in a second Link header.
    let resp = response(
        &[
            ("Link", "<https://h/?page=1>; rel=\"first\""),
            ("Link", "<https://h/?page=5>; rel=\"next\""),
        ],
        "",
    );
    assert_eq!(resp.next_page(), Some(5));
    assert!(resp.has_link_header());
    assert_eq!(LINK.as_str(), "link");
}
