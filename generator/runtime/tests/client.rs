//! Requests as they arrive at the server: authentication, user agent, URL building, query and
//! body encoding; builder validation; secrets kept out of Debug output.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use reqwest::Method;
use support::{Reply, TestServer, json, recording_policy, respond};
use waldur_client_runtime::{
    ApiRequest, Client, Error, MultipartValue, RetryPolicy, encode_path_segment,
};

fn get(path: &str) -> ApiRequest {
    ApiRequest::new(Method::GET, path.to_owned())
}

fn config_error(builder: waldur_client_runtime::ClientBuilder) -> String {
    match builder.build() {
        Err(Error::Config(msg)) => msg,
        other => panic!("expected a config error, got {other:?}"),
    }
}

#[tokio::test]
async fn get_sends_token_accept_user_agent_below_the_base_path() {
    let server = TestServer::start(vec![json("200 OK", r#"[{"a":1}]"#)]).await;
    let client = Client::new(&format!("{}/waldur/", server.url), "secret-token").unwrap();
    let mut req = get("/api/projects/");
    req.query().push("name", "a b");
    let resp = client.execute(req).await.unwrap();

    assert_eq!(resp.status, 200);
    assert_eq!(&resp.body[..], br#"[{"a":1}]"#);
    assert_eq!(resp.method, Method::GET);
    assert_eq!(
        resp.url.as_str(),
        format!("{}/waldur/api/projects/?name=a%20b", server.url)
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].head,
        format!(
            "GET /waldur/api/projects/?name=a%20b HTTP/1.1\r\n\
             accept: application/json\r\n\
             user-agent: waldur-client-rust/0.2.0\r\n\
             authorization: Token secret-token\r\n\
             host: {}\r\n\r\n",
            server.host()
        )
    );
}

#[tokio::test]
async fn bearer_custom_scheme_trimmed_key_and_anonymous() {
    let server = TestServer::start(vec![
        json("200 OK", "{}"),
        json("200 OK", "{}"),
        json("200 OK", "{}"),
        json("200 OK", "{}"),
    ])
    .await;
    let clients = [
        Client::builder(&server.url).bearer("oidc-access").build(),
        Client::builder(&server.url)
            .auth_scheme("JWT", "abc.def")
            .build(),
        Client::builder(&server.url).token("  from-file\n").build(),
        Client::builder(&server.url).build(),
    ];
    for client in clients {
        client.unwrap().execute(get("/api/x/")).await.unwrap();
    }
    let auth: Vec<Option<String>> = server
        .requests()
        .iter()
        .map(|r| r.header("authorization").map(str::to_owned))
        .collect();
    assert_eq!(
        auth,
        vec![
            Some("Bearer oidc-access".to_owned()),
            Some("JWT abc.def".to_owned()),
            Some("Token from-file".to_owned()),
            None,
        ]
    );
}

#[tokio::test]
async fn user_agent_overrides_default_user_agent_in_any_order() {
    let server = TestServer::start(vec![json("200 OK", "{}"), json("200 OK", "{}")]).await;
    let with_default = Client::builder(&server.url)
        .default_user_agent("waldur-client/9.9.9")
        .build()
        .unwrap();
    let overridden = Client::builder(&server.url)
        .user_agent("my-tool/1.0")
        .default_user_agent("waldur-client/9.9.9")
        .build()
        .unwrap();
    with_default.execute(get("/a/")).await.unwrap();
    overridden.execute(get("/a/")).await.unwrap();
    let agents: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.header("user-agent").unwrap_or("").to_owned())
        .collect();
    assert_eq!(agents, ["waldur-client/9.9.9", "my-tool/1.0"]);
}

#[tokio::test]
async fn base_url_forms_join_without_double_slashes() {
    let server = TestServer::start(vec![
        json("200 OK", "{}"),
        json("200 OK", "{}"),
        json("200 OK", "{}"),
    ])
    .await;
    let bases = [
        server.url.clone(),
        format!("{}/", server.url),
        format!("{}/waldur", server.url),
    ];
    let paths = ["/api/x/", "/api/y/", "api/z/"];
    for (base, path) in bases.iter().zip(paths) {
        let client = Client::builder(base).build().unwrap();
        client.execute(get(path)).await.unwrap();
    }
    let lines: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.request_line().to_owned())
        .collect();
    assert_eq!(
        lines,
        [
            "GET /api/x/ HTTP/1.1",
            "GET /api/y/ HTTP/1.1",
            "GET /waldur/api/z/ HTTP/1.1"
        ]
    );
    let client = Client::builder(&format!("{}/waldur", server.url))
        .build()
        .unwrap();
    // Normalised to end in a slash, so that relative joins stay below the prefix.
    assert_eq!(
        client.base_url().as_str(),
        format!("{}/waldur/", server.url)
    );
    assert_eq!(client.default_page_size(), 300);
    assert_eq!(client.retry_policy().max_retries, 3);
}

#[test]
fn path_segments_encode_everything_but_unreserved() {
    assert_eq!(
        encode_path_segment("a b/c?d#e%f&g=h+i~j.k_l-m"),
        "a%20b%2Fc%3Fd%23e%25f%26g%3Dh%2Bi~j.k_l-m"
    );
    assert_eq!(encode_path_segment("ünï"), "%C3%BCn%C3%AF");
    assert_eq!(
        encode_path_segment("0f6a1e4b9c2d4e8f9a0b1c2d3e4f5a6b"),
        "0f6a1e4b9c2d4e8f9a0b1c2d3e4f5a6b"
    );
    assert_eq!(encode_path_segment(""), "");
}

#[tokio::test]
async fn encoded_path_arrives_unchanged() {
    let server = TestServer::start(vec![json("200 OK", "{}")]).await;
    let client = Client::builder(&server.url).build().unwrap();
    let path = format!("/api/keys/{}/", encode_path_segment("my key/1?"));
    client.execute(get(&path)).await.unwrap();
    assert_eq!(
        server.requests()[0].request_line(),
        "GET /api/keys/my%20key%2F1%3F/ HTTP/1.1"
    );
}

#[test]
fn paths_that_url_normalisation_would_change_are_rejected() {
    let client = Client::builder("https://waldur.example.com/waldur/")
        .build()
        .unwrap();
    let cases = [
        (
            "/api/x/../",
            "cannot encode the request: request path \"/api/x/../\" is not a percent-encoded URL path \
             (it would be sent as \"/waldur/api/\"); a path parameter may be empty, \".\" or \"..\"",
        ),
        (
            "/api/x/a?b/",
            "cannot encode the request: request path \"/api/x/a?b/\" is not a percent-encoded URL path \
             (it would be sent as \"/waldur/api/x/a%3Fb/\"); a path parameter may be empty, \".\" or \"..\"",
        ),
    ];
    for (path, expected) in cases {
        let err = client.url_for(&get(path)).unwrap_err();
        assert_eq!(err.to_string(), expected);
    }
    let ok = client.url_for(&get("/api/x/%2E%2Ea/")).unwrap();
    assert_eq!(
        ok.as_str(),
        "https://waldur.example.com/waldur/api/x/%2E%2Ea/"
    );
}

#[tokio::test]
async fn query_values_are_encoded_in_order() {
    let server = TestServer::start(vec![json("200 OK", "[]")]).await;
    let client = Client::builder(&server.url).build().unwrap();
    let mut req = get("/api/marketplace-resources/");
    let q = req.query();
    q.push("name", "a&b=c+d #e%");
    q.push("is_active", &true);
    q.push("archived", &false);
    q.push("page", &2u32);
    q.push("offset", &-7i64);
    q.push("ratio", &0.25f64);
    q.push_opt::<String>("missing", None);
    q.push_opt("customer", Some(&"0f6a1e4b".to_owned()));
    q.push_repeated("state", &["OK", "ERRED"]);
    q.push_joined("o", &["name", "-created"]);
    q.push_joined::<&str>("field", &[]);
    q.push("created", "2024-01-02T03:04:05+00:00");
    q.push("project", "https://h/api/projects/1/");
    q.set("page", &3u32);
    assert_eq!(
        req.query_pairs(),
        [
            ("name", "a&b=c+d #e%"),
            ("is_active", "true"),
            ("archived", "false"),
            ("offset", "-7"),
            ("ratio", "0.25"),
            ("customer", "0f6a1e4b"),
            ("state", "OK"),
            ("state", "ERRED"),
            ("o", "name,-created"),
            ("created", "2024-01-02T03:04:05+00:00"),
            ("project", "https://h/api/projects/1/"),
            ("page", "3"),
        ]
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
    );
    client.execute(req).await.unwrap();
    assert_eq!(
        server.requests()[0].request_line(),
        "GET /api/marketplace-resources/?name=a%26b%3Dc%2Bd%20%23e%25&is_active=true&archived=false\
         &offset=-7&ratio=0.25&customer=0f6a1e4b&state=OK&state=ERRED&o=name,-created\
         &created=2024-01-02T03:04:05%2B00:00&project=https://h/api/projects/1/&page=3 HTTP/1.1"
    );
}

#[derive(serde::Serialize)]
struct CreateVolume<'a> {
    name: &'a str,
    size: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
}

#[tokio::test]
async fn json_body_is_sent_exactly() {
    let server = TestServer::start(vec![json("201 Created", r#"{"uuid":"1"}"#)]).await;
    let client = Client::new(&server.url, "t").unwrap();
    let body = CreateVolume {
        name: "vol \"1\" ü",
        size: 10240,
        description: None,
    };
    let req = ApiRequest::new(Method::POST, "/api/openstack-volumes/".to_owned())
        .json(&body)
        .unwrap();
    assert_eq!(
        req.encoded_body().map(|(ct, b)| (ct, b.to_vec())),
        Some((
            "application/json",
            r#"{"name":"vol \"1\" ü","size":10240}"#.as_bytes().to_vec()
        ))
    );
    let resp = client.execute(req).await.unwrap();
    assert_eq!(resp.status, 201);
    let recorded = &server.requests()[0];
    assert_eq!(
        recorded.head,
        format!(
            "POST /api/openstack-volumes/ HTTP/1.1\r\n\
             accept: application/json\r\n\
             user-agent: waldur-client-rust/0.2.0\r\n\
             authorization: Token t\r\n\
             content-type: application/json\r\n\
             host: {}\r\n\
             content-length: 36\r\n\r\n",
            server.host()
        )
    );
    assert_eq!(
        recorded.body_text(),
        r#"{"name":"vol \"1\" ü","size":10240}"#
    );
}

#[test]
fn json_body_that_cannot_be_serialised_is_an_encode_error() {
    let mut bad: BTreeMap<(u8, u8), u8> = BTreeMap::new();
    bad.insert((1, 2), 3);
    let err = ApiRequest::new(Method::POST, "/api/x/".to_owned())
        .json(&bad)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot encode the request: cannot serialise the JSON body: key must be a string"
    );
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn form_body_is_urlencoded() {
    let server = TestServer::start(vec![json("200 OK", "{}")]).await;
    let client = Client::builder(&server.url).build().unwrap();
    let req = ApiRequest::new(Method::POST, "/api-auth/password/".to_owned()).form(vec![
        ("username".to_owned(), "alice@example.com".to_owned()),
        ("password".to_owned(), "p&ss w=rd+".to_owned()),
    ]);
    client.execute(req).await.unwrap();
    let recorded = &server.requests()[0];
    assert_eq!(
        recorded.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        recorded.body_text(),
        "username=alice%40example.com&password=p%26ss%20w%3Drd%2B"
    );
}

/// Replaces the random multipart boundary so bodies can be compared exactly.
fn normalise_boundary(recorded: &support::Recorded) -> (String, String) {
    let content_type = recorded.header("content-type").unwrap_or("").to_owned();
    let boundary = content_type
        .split_once("boundary=")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    assert!(!boundary.is_empty(), "no boundary in {content_type:?}");
    (
        content_type.replace(&boundary, "BOUNDARY"),
        recorded.body_text().replace(&boundary, "BOUNDARY"),
    )
}

#[tokio::test]
async fn multipart_body_is_rebuilt_for_each_retry() {
    let server = TestServer::start(vec![
        json("503 Service Unavailable", "{}"),
        json("200 OK", "{}"),
    ])
    .await;
    let (policy, delays) = recording_policy();
    let client = Client::builder(&server.url).retry(policy).build().unwrap();
    let req = ApiRequest::new(Method::PUT, "/api/customers/1/image/".to_owned()).multipart(vec![
        ("name".to_owned(), MultipartValue::Text("logo".to_owned())),
        (
            "image".to_owned(),
            MultipartValue::File {
                name: "logo.png".to_owned(),
                bytes: b"\x89PNG\r\n".to_vec(),
                mime: Some("image/png".to_owned()),
            },
        ),
        (
            "notes".to_owned(),
            MultipartValue::File {
                name: "notes.txt".to_owned(),
                bytes: b"hi".to_vec(),
                mime: None,
            },
        ),
    ]);
    client.execute(req).await.unwrap();
    assert_eq!(*delays.lock().unwrap(), [Duration::from_millis(500)]);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let expected_body = "--BOUNDARY\r\n\
        Content-Disposition: form-data; name=\"name\"\r\n\r\n\
        logo\r\n\
        --BOUNDARY\r\n\
        Content-Disposition: form-data; name=\"image\"; filename=\"logo.png\"\r\n\
        Content-Type: image/png\r\n\r\n\
        \u{FFFD}PNG\r\n\r\n\
        --BOUNDARY\r\n\
        Content-Disposition: form-data; name=\"notes\"; filename=\"notes.txt\"\r\n\r\n\
        hi\r\n\
        --BOUNDARY--\r\n";
    for recorded in &requests {
        assert_eq!(
            recorded.request_line(),
            "PUT /api/customers/1/image/ HTTP/1.1"
        );
        let (content_type, body) = normalise_boundary(recorded);
        assert_eq!(content_type, "multipart/form-data; boundary=BOUNDARY");
        assert_eq!(body, expected_body);
        assert_eq!(
            recorded.body.len().to_string(),
            recorded.header("content-length").unwrap()
        );
    }
}

#[tokio::test]
async fn invalid_multipart_mime_is_an_encode_error() {
    let client = Client::builder("http://127.0.0.1:9/").build().unwrap();
    let req = ApiRequest::new(Method::POST, "/api/x/".to_owned()).multipart(vec![(
        "file".to_owned(),
        MultipartValue::File {
            name: "a".to_owned(),
            bytes: vec![1],
            mime: Some("not a mime".to_owned()),
        },
    )]);
    let err = client.execute(req).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot encode the request: invalid MIME type \"not a mime\" for multipart field \"file\""
    );
}

#[tokio::test]
async fn caller_supplied_http_client_gets_user_agent_and_timeout_per_request() {
    let server = TestServer::start(vec![
        json("200 OK", "{}"),
        Reply::Delay(Duration::from_secs(3), Box::new(json("200 OK", "{}"))),
    ])
    .await;
    let http = reqwest::Client::builder().build().unwrap();
    let client = Client::builder(&server.url)
        .http_client(http)
        .user_agent("custom/2")
        .timeout(Duration::from_millis(150))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    client.execute(get("/fast/")).await.unwrap();
    assert_eq!(server.requests()[0].header("user-agent"), Some("custom/2"));
    let err = client.execute(get("/slow/")).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("GET {}/slow/ timed out", server.url)
    );
}

#[tokio::test]
async fn per_request_timeout_overrides_the_client_timeout() {
    let server = TestServer::start(vec![Reply::Delay(
        Duration::from_secs(3),
        Box::new(json("200 OK", "{}")),
    )])
    .await;
    let client = Client::builder(&server.url)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client
        .execute(get("/slow/").timeout(Duration::from_millis(100)))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}

#[test]
fn builder_rejects_bad_configuration_with_precise_messages() {
    let cases = [
        (
            Client::builder("not a url"),
            "base URL \"not a url\" is not a valid URL: relative URL without a base",
        ),
        (
            Client::builder("ftp://h/"),
            "base URL \"ftp://h/\" must use http or https, not \"ftp\"",
        ),
        (
            Client::builder("https://user:hunter2@h/"),
            "base URL must not contain credentials; use ClientBuilder::token or bearer",
        ),
        (
            Client::builder("https://h/api/?x=1"),
            "base URL \"https://h/api/?x=1\" must not have a query or fragment",
        ),
        (
            Client::builder("https://h/").token("  \n"),
            "the Token credential is empty",
        ),
        (
            Client::builder("https://h/").bearer("abc\ndef"),
            "the Bearer credential contains characters not allowed in an HTTP header",
        ),
        (
            Client::builder("https://h/").user_agent("a\u{7f}b"),
            "user agent \"a\\u{7f}b\" is not a valid HTTP header value",
        ),
        (
            Client::builder("https://h/").page_size(0),
            "page size 0 is outside 1..=300 (the server clamps larger pages)",
        ),
        (
            Client::builder("https://h/").page_size(301),
            "page size 301 is outside 1..=300 (the server clamps larger pages)",
        ),
        (
            Client::builder("https://h/")
                .http_client(reqwest::Client::new())
                .connect_timeout(Duration::from_secs(1)),
            "connect_timeout cannot be applied to a caller-supplied http_client; \
             set it on that reqwest::Client instead",
        ),
    ];
    for (builder, expected) in cases {
        assert_eq!(config_error(builder), expected);
    }
    let err = Client::new("ftp://h/", "t").unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid client configuration: base URL \"ftp://h/\" must use http or https, not \"ftp\""
    );
    assert!(!err.is_retryable());
    assert_eq!(err.status(), None);
}

#[tokio::test]
async fn debug_output_never_contains_the_token() {
    let token = "s3cr3t-t0ken-value";
    let server = TestServer::start(vec![json("404 Not Found", r#"{"detail":"Not found."}"#)]).await;
    let builder = Client::builder(&server.url)
        .token(token)
        .retry(RetryPolicy::none());
    let builder_debug = format!("{builder:?}");
    let client = builder.build().unwrap();
    let client_debug = format!("{client:?}");
    let err = client.execute(get("/api/x/")).await.unwrap_err();
    let texts = [
        builder_debug.clone(),
        client_debug.clone(),
        format!("{err:?}"),
        err.to_string(),
        format!("{:?}", get("/api/x/")),
        format!("{:?}", client.url_for(&get("/api/x/")).unwrap()),
    ];
    for text in &texts {
        assert!(!text.contains(token), "token leaked in {text}");
    }
    assert!(client_debug.contains("auth: Some(\"Token <redacted>\")"));
    assert!(builder_debug.contains("auth: Some(\"Token <redacted>\")"));
    assert_eq!(
        client_debug,
        format!(
            "Client {{ base_url: \"{}/\", auth: Some(\"Token <redacted>\"), \
             user_agent: \"waldur-client-rust/0.2.0\", timeout: Some(60s), deadline: Some(120s), \
             retry: RetryPolicy {{ max_retries: 0, initial_backoff: 500ms, max_backoff: 30s, \
             retry_non_idempotent: false, jitter: true, .. }}, page_size: 300, \
             max_response_bytes: 33554432, max_pages: None, \
             hooks: Hooks {{ default_headers: [], hooks: 0 }} }}",
            server.url
        )
    );
    // The sent header still carries it.
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some("Token s3cr3t-t0ken-value")
    );
}

#[tokio::test]
async fn non_2xx_without_retry_returns_the_status_error() {
    let server = TestServer::start(vec![respond("409 Conflict", &[], "")]).await;
    let client = Client::builder(&server.url).build().unwrap();
    let err = client
        .execute(ApiRequest::new(Method::POST, "/api/x/1/pull/".to_owned()))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("HTTP 409 Conflict from POST {}/api/x/1/pull/", server.url)
    );
    // An empty POST still declares its length (proxies may answer 411 otherwise).
    assert_eq!(
        server.requests()[0].head,
        format!(
            "POST /api/x/1/pull/ HTTP/1.1\r\n\
             accept: application/json\r\n\
             user-agent: waldur-client-rust/0.2.0\r\n\
             content-length: 0\r\n\
             host: {}\r\n\r\n",
            server.host()
        )
    );
}

fn assert_send_sync<T: Send + Sync>(_: &T) {}
fn assert_send<T: Send>(_: &T) {}

#[test]
fn client_types_are_send_and_sync_and_futures_are_send() {
    let builder = Client::builder("https://h/");
    assert_send_sync(&builder);
    let client = builder.build().unwrap();
    assert_send_sync(&client);
    assert_send_sync(&RetryPolicy::default());
    assert_send_sync(&get("/x/"));
    assert_send_sync(&Error::Config(String::new()));
    // Generated async methods are spawned on multi-threaded runtimes.
    let future = client.execute(get("/x/"));
    assert_send(&future);
    let stream = waldur_client_runtime::paginate::<u32, _, _>(10, None, |_, _| async {
        Err(Error::Config(String::new()))
    });
    assert_send(&stream);
    // Clones share one connection pool and configuration.
    let clone = client.clone();
    assert_eq!(clone.base_url(), client.base_url());
}
