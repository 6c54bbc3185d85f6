//! The synchronous wrapper, against a server running on its own thread.
#![cfg(feature = "blocking")]

mod support;

use reqwest::Method;
use support::{TestServer, json, respond};
use waldur_client_runtime::blocking;
use waldur_client_runtime::{ApiRequest, Client, Page, paginate};

#[test]
fn blocking_client_executes_and_iterates_pages() {
    let server = TestServer::start_in_thread(vec![
        json("200 OK", r#"{"uuid":"a"}"#),
        respond(
            "200 OK",
            &[("Link", "<https://elsewhere/api/x/?page=2>; rel=\"next\"")],
            "[1,2]",
        ),
        json("200 OK", "[3]"),
    ]);
    let client = blocking::Client::new(&server.url, "tok").unwrap();
    let resp = client
        .block_on(
            client
                .inner()
                .execute(ApiRequest::new(Method::GET, "/api/x/a/".to_owned())),
        )
        .unwrap();
    assert_eq!(&resp.body[..], br#"{"uuid":"a"}"#);

    let inner: Client = client.inner().clone();
    let stream = paginate(2, None, move |page, page_size| {
        let inner = inner.clone();
        async move {
            let mut req = ApiRequest::new(Method::GET, "/api/x/".to_owned());
            req.query().push("page", &page);
            req.query().push("page_size", &page_size);
            let resp = inner.execute(req).await?;
            Page::<u32>::from_response(&resp, page, page_size)
        }
    });
    let items: Vec<u32> = client.iter(stream).map(|r| r.unwrap()).collect();
    assert_eq!(items, [1, 2, 3]);
    let lines: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.request_line().to_owned())
        .collect();
    assert_eq!(
        lines,
        [
            "GET /api/x/a/ HTTP/1.1",
            "GET /api/x/?page=1&page_size=2 HTTP/1.1",
            "GET /api/x/?page=2&page_size=2 HTTP/1.1",
        ]
    );
    assert!(format!("{client:?}").starts_with("blocking::Client { inner: Client {"));
    assert!(!format!("{client:?}").contains("tok\""));
}
