//! The generated client against a hostile server (issue 11), through the generated API: the
//! same guarantees the runtime tests prove, checked where users meet them.

mod common;

use std::time::{Duration, Instant};

use common::{
    ID, TOKEN, UUID, client, extend_volume_call, list_volumes_call, pull_volume_call,
    retrieve_volume_call, stream_volumes_call, volume_json, volume_name,
};
use serde_json::{Value, json};
use waldur_client::{Client, Error, RetryPolicy};
use waldur_test_server::{Reply, TestServer, json as json_reply, respond};

fn assert_token_never_reached(server: &TestServer) {
    for r in server.requests() {
        assert!(
            !r.head.contains(TOKEN),
            "token reached {}: {}",
            server.url,
            r.head
        );
    }
}

#[tokio::test]
async fn an_empty_path_parameter_cannot_be_sent() {
    // Path parameters typed `uuid` take a `Uuid`: an empty one cannot be written, and the
    // text a caller has does not parse.
    assert!("".parse::<waldur_client::Uuid>().is_err());
    let server = TestServer::start(vec![json_reply("200 OK", "{}")]).await;
    extend_volume_call(&client(&server), waldur_client::Uuid::nil(), 20480)
        .await
        .expect("the nil UUID is a value");
    assert_eq!(
        common::request_lines(&server),
        ["POST /api/openstack-volumes/00000000000000000000000000000000/extend/ HTTP/1.1"]
    );
    // String path parameters (elsewhere in the API) go through the same runtime function,
    // which refuses what would change the path.
    for (value, problem) in [
        ("", "is empty"),
        (".", "is a dot segment"),
        ("..", "is a dot segment"),
    ] {
        let err = waldur_client::runtime::path_param("uuid", value).expect_err("refused");
        assert_eq!(
            err.to_string(),
            format!(
                "cannot encode the request: path parameter `uuid` {problem}; it would change \
                 the request path"
            )
        );
    }
}

#[tokio::test]
async fn an_html_page_answering_an_action_is_not_success() {
    let html = "<html><head><title>Sign in</title></head><body>SSO</body></html>";
    let server = TestServer::start(vec![respond(
        "200 OK",
        &[("Content-Type", "text/html")],
        html,
    )])
    .await;
    let err = pull_volume_call(&client(&server), ID).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "cannot decode the response of POST {}/api/openstack-volumes/{UUID}/pull/ (HTTP 200) \
             at .: expected JSON (the request asked for application/json), got an HTML page \
             (Content-Type: text/html); body near the error: \"{html}\"",
            server.url
        )
    );
}

/// A list answer that says it is a page: `X-Result-Count`, as Waldur sends with every page.
fn page_reply(body: &str) -> Reply {
    respond(
        "200 OK",
        &[
            ("Content-Type", "application/json"),
            ("X-Result-Count", "1000"),
        ],
        body,
    )
}

#[tokio::test]
async fn a_page_with_more_items_than_requested_is_refused() {
    let items: Vec<Value> = (0..3)
        .map(|i| volume_json(UUID, &format!("v{i}")))
        .collect();
    let body = Value::Array(items).to_string();
    let server = TestServer::start(vec![page_reply(&body)]).await;
    let err = list_volumes_call(&client(&server), Some(2))
        .await
        .unwrap_err();
    match &err {
        Error::Decode(d) => {
            assert_eq!(d.path, "[2]");
            assert_eq!(
                d.message,
                "the server sent more than the 2 items per page that were requested; the page \
                 was refused"
            );
        }
        other => panic!("{other:?}"),
    }
    // Tiny items by the hundred thousand: refused at item 301, whatever the body size.
    let tiny = format!("[{}{{}}]", "{},".repeat(200_000));
    let server = TestServer::start(vec![page_reply(&tiny)]).await;
    let err = list_volumes_call(&client(&server), None).await.unwrap_err();
    assert!(
        err.to_string().contains("more than the 300 items per page"),
        "{err}"
    );
    // The same three volumes without `X-Result-Count` or `Link` are not a page but the whole
    // list (Waldur answers some lists so, whatever `page_size` says): all three, no next page.
    let server = TestServer::start(vec![json_reply("200 OK", &body)]).await;
    let page = list_volumes_call(&client(&server), Some(2)).await.unwrap();
    assert_eq!(
        page.items.iter().map(|v| v.name()).collect::<Vec<_>>(),
        [Some("v0"), Some("v1"), Some("v2")]
    );
    assert_eq!((page.total, page.next_page), (None, None));
}

#[tokio::test]
async fn page_size_is_what_was_asked_or_what_came() {
    let items: Vec<Value> = (0..7)
        .map(|i| volume_json(UUID, &format!("v{i}")))
        .collect();
    let body = Value::Array(items).to_string();
    let server = TestServer::start(vec![
        respond("200 OK", &[("X-Result-Count", "7")], &body),
        respond("200 OK", &[("X-Result-Count", "30")], &body),
    ])
    .await;
    let c = client(&server);
    let page = list_volumes_call(&c, Some(10)).await.unwrap();
    assert_eq!((page.page_size, page.next_page), (10, None));
    // None asked: the server's page size is unknown, and 7 items of 30 on page 1 mean more.
    let page = list_volumes_call(&c, None).await.unwrap();
    assert_eq!((page.page_size, page.next_page), (7, Some(2)));
}

#[tokio::test]
async fn out_of_range_and_huge_numbers_do_not_fail_a_response() {
    let mut volume = volume_json(UUID, "data");
    let text_of = |v: &Value| v.to_string();
    let big = "123456789012345678901234567890";
    let body = text_of(&volume)
        .replacen("\"size\":102400", "\"size\":1e400", 1)
        .replacen(
            '{',
            &format!("{{\"new_counter\":{big},\"new_ratio\":-1e999,"),
            1,
        );
    let server = TestServer::start(vec![json_reply("200 OK", &body)]).await;
    let v = retrieve_volume_call(&client(&server), ID).await.unwrap();
    assert_eq!(
        v.size
            .raw_invalid()
            .map(waldur_client::runtime::RawJson::get),
        Some("1e400")
    );
    assert_eq!(v.extra["new_counter"].get(), big);
    assert_eq!(v.extra["new_ratio"].get(), "-1e999");
    assert_eq!(volume_name(&v), "data");
    // Re-encoding gives the bytes back (keys in model order, then the unknown ones).
    let again = serde_json::to_string(&v).unwrap();
    assert!(again.contains("\"size\":1e400"));
    assert!(again.ends_with(&format!("\"new_counter\":{big},\"new_ratio\":-1e999}}")));

    // In one item of a page: that item keeps it raw, the page decodes.
    volume["size"] = json!(1);
    let page_body = format!("[{},{}]", text_of(&volume), body);
    let server = TestServer::start(vec![json_reply("200 OK", &page_body)]).await;
    let page = list_volumes_call(&client(&server), Some(2)).await.unwrap();
    assert_eq!(page.items[0].size.copied(), Some(1));
    assert!(page.items[1].size.is_invalid());
}

#[tokio::test]
async fn an_action_redirected_to_another_origin_is_not_replayed() {
    let other = TestServer::start(vec![json_reply("200 OK", "{}")]).await;
    let location = format!("{}/api/openstack-volumes/{UUID}/extend/", other.url);
    let server = TestServer::start(vec![respond(
        "307 Temporary Redirect",
        &[("Location", &location)],
        "",
    )])
    .await;
    let err = extend_volume_call(&client(&server), ID, 20480)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Redirect(_)), "{err:?}");
    assert!(other.requests().is_empty());
    assert_token_never_reached(&other);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_retrieve_redirected_to_another_origin_does_not_return_its_data() {
    let other = TestServer::start(vec![json_reply(
        "200 OK",
        &volume_json(UUID, "evil").to_string(),
    )])
    .await;
    let location = format!("{}/api/openstack-volumes/{UUID}/", other.url);
    let server =
        TestServer::start(vec![respond("302 Found", &[("Location", &location)], "")]).await;
    let err = retrieve_volume_call(&client(&server), ID)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("it leads to another origin"),
        "{err}"
    );
    assert!(other.requests().is_empty());
}

#[tokio::test]
async fn a_silent_server_is_bounded_by_the_deadline() {
    let silent = || Reply::Stall(Vec::new(), Duration::from_secs(10));
    let server = TestServer::start(vec![silent(), silent(), silent(), silent()]).await;
    let c = Client::builder(&server.url)
        .token(TOKEN)
        .timeout(Duration::from_millis(400))
        .deadline(Duration::from_millis(600))
        .retry(
            RetryPolicy::default()
                .jitter(false)
                .initial_backoff(Duration::from_millis(10)),
        )
        .build()
        .expect("a loopback client builds");
    let started = Instant::now();
    let err = retrieve_volume_call(&c, ID).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_millis(2000));
    assert_eq!(
        err.to_string(),
        format!(
            "GET {}/api/openstack-volumes/{UUID}/ did not complete within its deadline of 600ms \
             (2 attempts)",
            server.url
        )
    );
}

#[tokio::test]
async fn an_oversized_retrieve_is_refused() {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                Content-Length: 2147483648\r\n\r\n{\"name\": \"";
    let server = TestServer::start(vec![Reply::Stall(head.into(), Duration::from_secs(30))]).await;
    let err = retrieve_volume_call(&client(&server), ID)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::BodyTooLarge(_)), "{err:?}");
}

#[tokio::test]
async fn a_stream_that_never_ends_is_stopped_with_an_error() {
    let body = Value::Array(vec![volume_json(UUID, "same")]).to_string();
    let replies = (1..=20)
        .map(|p| {
            let link = format!(
                "<http://h/api/openstack-volumes/?page={}>; rel=\"next\"",
                p + 1
            );
            respond("200 OK", &[("Link", &link), ("X-Result-Count", "3")], &body)
        })
        .collect();
    let server = TestServer::start(replies).await;
    let results = stream_volumes_call(&client(&server)).await;
    let last = results
        .last()
        .expect("the stream yields something")
        .as_ref()
        .expect_err("the stream ends with an error");
    assert_eq!(
        last.to_string(),
        "pagination stopped: after 4 items, more than the 3 the server counts (X-Result-Count), \
         page 4 still names page 5 as the next one"
    );
    assert_eq!(results.len(), 5);
}

#[tokio::test]
async fn a_forged_error_message_stays_one_line() {
    let body = json!({"detail": "bad\n2024-01-01 INFO fake entry\u{1b}[2J"}).to_string();
    let server = TestServer::start(vec![json_reply("400 Bad Request", &body)]).await;
    let err = retrieve_volume_call(&client(&server), ID)
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(!text.contains('\n') && !text.contains('\u{1b}'), "{text}");
    assert!(
        text.ends_with(": bad\\n2024-01-01 INFO fake entry\\u{1b}[2J"),
        "{text}"
    );
}

#[tokio::test]
async fn an_empty_success_for_a_documented_model_is_an_error_that_says_so() {
    let server = TestServer::start(vec![json_reply("200 OK", "")]).await;
    let err = client(&server)
        .openstack_volumes()
        .retrieve(ID)
        .await
        .unwrap_err();
    match &err {
        Error::Decode(d) => {
            assert_eq!((d.status, d.path.as_str()), (200, "."));
            assert_eq!(
                d.message,
                "the response body is empty; the operation documents a JSON value"
            );
        }
        other => panic!("{other:?}"),
    }
    // A list answered with nothing is an empty page, as before.
    let server = TestServer::start(vec![json_reply("200 OK", "")]).await;
    let page = list_volumes_call(&client(&server), Some(2)).await.unwrap();
    assert!(page.items.is_empty());
}
