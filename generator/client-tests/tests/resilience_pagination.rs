//! `list().stream()` and `list()` of the generated client over several pages: only the page
//! number of `Link: rel="next"` is used (the host in it may be wrong behind a proxy), the page
//! size defaults to the server maximum, taking fewer items fetches fewer pages, and only one
//! page is fetched ahead of the caller.

mod common;

use futures_util::StreamExt;
use serde_json::{Value, json};
use waldur_client::Client;
use waldur_client::models::OpenStackVolume;
use waldur_test_server::{Reply, TestServer, json as json_reply, respond};

use common::{TOKEN, delays, recording_policy, request_lines, retrying_client};

fn volumes(names: &[&str]) -> String {
    let items: Vec<Value> = names
        .iter()
        .enumerate()
        .map(|(i, n)| common::volume_json(&format!("{i:032x}"), n))
        .collect();
    Value::Array(items).to_string()
}

/// A page with `X-Result-Count` and, when given, a `Link` header.
fn page(names: &[&str], total: u64, link: Option<&str>) -> Reply {
    let total = total.to_string();
    let mut headers = vec![
        ("Content-Type", "application/json"),
        ("X-Result-Count", total.as_str()),
    ];
    if let Some(link) = link {
        headers.push(("Link", link));
    }
    respond("200 OK", &headers, &volumes(names))
}

fn client_with_page_size(server: &TestServer, size: u32) -> Client {
    Client::builder(&server.url)
        .token(TOKEN)
        .page_size(size)
        .retry(waldur_client::RetryPolicy::none())
        .build()
        .expect("a loopback client builds")
}

fn names(items: &[OpenStackVolume]) -> Vec<String> {
    items.iter().map(common::volume_name).collect()
}

async fn collect(
    stream: impl futures_core::Stream<Item = Result<OpenStackVolume, waldur_client::Error>> + Unpin,
) -> Vec<OpenStackVolume> {
    stream.map(|r| r.expect("an item")).collect().await
}

#[tokio::test]
async fn stream_follows_next_by_page_number_whatever_the_host_in_the_link() {
    let server = TestServer::start(vec![
        page(
            &["v1", "v2"],
            5,
            Some(
                "<http://wrong-host.invalid:9/api/v9/elsewhere/?page=2&page_size=999&name=zzz>; \
                 rel=\"next\", <http://wrong-host.invalid:9/api/x/?page=3>; rel=\"last\"",
            ),
        ),
        page(
            &["v3", "v4"],
            5,
            Some(
                "<https://proxy.internal/api/openstack-volumes/?name=vol&page=1&page_size=2>; \
                 rel=\"prev\", <https://proxy.internal/api/openstack-volumes/?name=vol&page=3&page_size=2>; \
                 rel=\"next\"",
            ),
        ),
        page(
            &["v5"],
            5,
            Some("<https://proxy.internal/api/openstack-volumes/?page=2>; rel=\"prev\""),
        ),
    ])
    .await;
    let c = client_with_page_size(&server, 2);
    let items = collect(c.openstack_volumes().list().name("vol").stream()).await;
    assert_eq!(names(&items), ["v1", "v2", "v3", "v4", "v5"]);
    assert_eq!(
        request_lines(&server),
        [
            "GET /api/openstack-volumes/?name=vol&page=1&page_size=2 HTTP/1.1",
            "GET /api/openstack-volumes/?name=vol&page=2&page_size=2 HTTP/1.1",
            "GET /api/openstack-volumes/?name=vol&page=3&page_size=2 HTTP/1.1",
        ]
    );
    for r in server.requests() {
        assert_eq!(r.header("host"), Some(server.host()));
        assert_eq!(
            r.header("authorization"),
            Some(format!("Token {TOKEN}").as_str())
        );
    }
}

#[tokio::test]
async fn page_size_defaults_to_the_server_maximum_and_params_override_it() {
    let server = TestServer::start(vec![
        page(&["a"], 1, None),
        page(&["b"], 1, None),
        page(&["c"], 1, None),
    ])
    .await;
    let c = retrying_client(&server, waldur_client::RetryPolicy::none());
    assert_eq!(c.runtime().default_page_size(), 300);
    let vols = c.openstack_volumes();
    let all = collect(vols.list().stream()).await;
    assert_eq!(names(&all), ["a"]);
    let sized = vols.list().page_size(50);
    assert_eq!(names(&collect(sized.stream()).await), ["b"]);
    // A page number set on the builder does not move the stream's start.
    let from_page_7 = vols.list().page(7);
    assert_eq!(names(&collect(from_page_7.stream()).await), ["c"]);
    assert_eq!(
        request_lines(&server),
        [
            "GET /api/openstack-volumes/?page=1&page_size=300 HTTP/1.1",
            "GET /api/openstack-volumes/?page=1&page_size=50 HTTP/1.1",
            "GET /api/openstack-volumes/?page=1&page_size=300 HTTP/1.1",
        ]
    );
}

#[tokio::test]
async fn taking_fewer_items_fetches_only_the_pages_they_need() {
    let next = |n: u32| format!("<http://h/api/openstack-volumes/?page={n}>; rel=\"next\"");
    let server = TestServer::start(vec![
        // 3 items in pages of 3: one page
        page(&["a", "b", "c"], 100, Some(&next(2))),
        // 5 items in pages of 2: pages 1..=3, the last one only partly used
        page(&["d", "e"], 100, Some(&next(2))),
        page(&["f", "g"], 100, Some(&next(3))),
        page(&["h", "i"], 100, Some(&next(4))),
    ])
    .await;
    let c = client_with_page_size(&server, 300);
    let vols = c.openstack_volumes();
    assert_eq!(
        names(&collect(vols.list().page_size(3).stream().take(3)).await),
        ["a", "b", "c"]
    );
    assert_eq!(
        names(&collect(vols.list().page_size(2).stream().take(5)).await),
        ["d", "e", "f", "g", "h"]
    );
    // Taking nothing asks for nothing.
    assert!(
        collect(vols.list().page_size(2).stream().take(0))
            .await
            .is_empty()
    );
    assert_eq!(
        request_lines(&server),
        [
            "GET /api/openstack-volumes/?page=1&page_size=3 HTTP/1.1",
            "GET /api/openstack-volumes/?page=1&page_size=2 HTTP/1.1",
            "GET /api/openstack-volumes/?page=2&page_size=2 HTTP/1.1",
            "GET /api/openstack-volumes/?page=3&page_size=2 HTTP/1.1",
        ]
    );
}

#[tokio::test]
async fn the_next_page_is_fetched_only_when_the_current_one_is_used_up() {
    let next = |n: u32| format!("<http://h/?page={n}>; rel=\"next\"");
    let server = TestServer::start(vec![
        page(&["a", "b"], 6, Some(&next(2))),
        page(&["c", "d"], 6, Some(&next(3))),
        page(&["e", "f"], 6, None),
    ])
    .await;
    let c = client_with_page_size(&server, 2);
    let mut stream = c.openstack_volumes().list().stream();
    assert_eq!(
        server.requests().len(),
        0,
        "nothing is fetched before polling"
    );
    let mut seen = Vec::new();
    let expected_requests = [1, 1, 2, 2, 3, 3];
    for want in expected_requests {
        let item = stream
            .next()
            .await
            .expect("the stream has more items")
            .expect("an item");
        seen.push(common::volume_name(&item));
        assert_eq!(server.requests().len(), want, "after {seen:?}");
    }
    assert!(stream.next().await.is_none());
    assert_eq!(seen, ["a", "b", "c", "d", "e", "f"]);
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn an_error_is_yielded_after_the_items_before_it_and_ends_the_stream() {
    let server = TestServer::start(vec![
        page(&["a", "b"], 4, Some("<http://h/?page=2>; rel=\"next\"")),
        json_reply("404 Not Found", r#"{"detail": "Invalid page."}"#),
    ])
    .await;
    let c = client_with_page_size(&server, 2);
    let results: Vec<_> = c.openstack_volumes().list().stream().collect().await;
    assert_eq!(results.len(), 3);
    assert_eq!(results[0].as_ref().expect("an item").name(), Some("a"));
    assert_eq!(
        results[2].as_ref().unwrap_err().to_string(),
        format!(
            "HTTP 404 Not Found from GET {}/api/openstack-volumes/?page=2&page_size=2: Invalid page.",
            server.url
        )
    );
}

#[tokio::test]
async fn a_failing_page_is_retried_inside_the_stream() {
    let server = TestServer::start(vec![
        page(&["a"], 2, Some("<http://h/?page=2>; rel=\"next\"")),
        respond("503 Service Unavailable", &[("Retry-After", "4")], ""),
        page(&["b"], 2, None),
    ])
    .await;
    let (policy, recorded) = recording_policy();
    let c = Client::builder(&server.url)
        .page_size(1)
        .retry(policy)
        .build()
        .expect("a loopback client builds");
    let items = collect(c.openstack_volumes().list().stream()).await;
    assert_eq!(names(&items), ["a", "b"]);
    assert_eq!(delays(&recorded), [std::time::Duration::from_secs(4)]);
}

#[tokio::test]
async fn without_a_link_header_the_total_decides_whether_there_is_more() {
    let server = TestServer::start(vec![
        page(&["a", "b"], 5, None),
        page(&["c", "d"], 5, None),
        page(&["e"], 5, None),
    ])
    .await;
    let c = client_with_page_size(&server, 2);
    let items = collect(c.openstack_volumes().list().stream()).await;
    assert_eq!(names(&items), ["a", "b", "c", "d", "e"]);
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_next_link_that_does_not_move_forward_ends_the_stream_with_an_error() {
    let server = TestServer::start(vec![
        page(&["a"], 9, Some("<http://h/?page=2>; rel=\"next\"")),
        page(&["b"], 9, Some("<http://h/?page=1>; rel=\"next\"")),
        page(&["again"], 9, None),
    ])
    .await;
    let c = client_with_page_size(&server, 1);
    let results: Vec<_> = c.openstack_volumes().list().stream().collect().await;
    assert_eq!(results.len(), 3);
    let items: Vec<OpenStackVolume> = results[..2]
        .iter()
        .map(|r| r.as_ref().expect("an item").clone())
        .collect();
    assert_eq!(names(&items), ["a", "b"]);
    assert_eq!(
        results[2].as_ref().unwrap_err().to_string(),
        "pagination stopped: page 2 names page 1 as the next one, which does not come after it"
    );
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn list_returns_one_page_with_its_position() {
    let server = TestServer::start(vec![page(
        &["x", "y"],
        41,
        Some("<http://wrong/api/openstack-volumes/?page=4&page_size=2>; rel=\"next\""),
    )])
    .await;
    let c = client_with_page_size(&server, 300);
    let page = c
        .openstack_volumes()
        .list()
        .page(3)
        .page_size(2)
        .await
        .expect("a page");
    assert_eq!(names(&page.items), ["x", "y"]);
    assert_eq!(page.total, Some(41));
    assert_eq!((page.page, page.page_size), (3, 2));
    assert_eq!(page.next_page, Some(4));
    assert!(page.has_next());
    assert_eq!(
        request_lines(&server),
        ["GET /api/openstack-volumes/?page=3&page_size=2 HTTP/1.1"]
    );
}

#[tokio::test]
async fn fixture_stream_decodes_unknown_enum_values_and_sends_ordering() {
    use fixture_things::models::{CoreStates, RobotState, Thing};
    let things = |v: Value| {
        respond(
            "200 OK",
            &[("Link", "<http://h/api/things/?page=2>; rel=\"next\"")],
            &v.to_string(),
        )
    };
    let server = TestServer::start(vec![
        things(json!([{"state": "OK"}, {"state": "Melting"}])),
        respond("200 OK", &[], &json!([{"level": 7}]).to_string()),
    ])
    .await;
    let c = fixture_things::Client::builder(&server.url)
        .token(TOKEN)
        .page_size(2)
        .retry(fixture_things::RetryPolicy::none())
        .build()
        .expect("a loopback client builds");
    let items: Vec<Thing> = c
        .things()
        .list()
        .o([CoreStates::CreatedDesc])
        .stream()
        .map(|r| r.expect("an item"))
        .collect()
        .await;
    assert_eq!(
        items[1].state(),
        Some(&CoreStates::Unknown("Melting".into()))
    );
    assert_eq!(items[2].level(), Some(RobotState::Unknown(7)));
    let encoded: Vec<Value> = items
        .iter()
        .map(|t| serde_json::to_value(t).expect("encodes"))
        .collect();
    assert_eq!(
        encoded,
        [
            json!({"state": "OK"}),
            json!({"state": "Melting"}),
            json!({"level": 7})
        ]
    );
    assert_eq!(
        request_lines(&server),
        [
            "GET /api/things/?o=-created&page=1&page_size=2 HTTP/1.1",
            "GET /api/things/?o=-created&page=2&page_size=2 HTTP/1.1",
        ]
    );
}

#[test]
fn blocking_iteration_pages_the_same_way() {
    use waldur_client::prelude::WaitIter;
    let next = |n: u32| format!("<http://wrong/?page={n}>; rel=\"next\"");
    let server = TestServer::start_in_thread(vec![
        page(&["a", "b"], 3, Some(&next(2))),
        page(&["c"], 3, None),
    ]);
    let c = client_with_page_size(&server, 2);
    let items: Vec<OpenStackVolume> = c
        .openstack_volumes()
        .list()
        .stream()
        .wait_iter()
        .map(|r| r.expect("an item"))
        .collect();
    assert_eq!(names(&items), ["a", "b", "c"]);
    assert_eq!(
        request_lines(&server),
        [
            "GET /api/openstack-volumes/?page=1&page_size=2 HTTP/1.1",
            "GET /api/openstack-volumes/?page=2&page_size=2 HTTP/1.1",
        ]
    );
}

#[tokio::test]
async fn a_page_size_above_the_server_maximum_does_not_lose_items() {
    let first: Vec<String> = (0..300).map(|i| format!("v{i}")).collect();
    let first: Vec<&str> = first.iter().map(String::as_str).collect();
    let server = TestServer::start(vec![page(&first, 301, None), page(&["last"], 301, None)]).await;
    let c = client_with_page_size(&server, 300);
    let items = collect(c.openstack_volumes().list().page_size(1000).stream()).await;
    assert_eq!(items.len(), 301);
    assert_eq!(server.requests().len(), 2);
}
