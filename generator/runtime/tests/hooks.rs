//! Default headers and hooks, checked on the wire: what a hook adds is sent, what it removes is
//! not, a refusing hook stops the request, response hooks see (and may repair) every response,
//! once per attempt.

mod support;

use std::sync::{Arc, Mutex};

use reqwest::Method;
use support::{Reply, TestServer, json, recording_policy, respond};
use waldur_client_runtime::hooks::{Hook, HookError, HookResponse, RequestInfo};
use waldur_client_runtime::{ApiRequest, Client, Error};

fn list_volumes() -> ApiRequest {
    ApiRequest::new(Method::GET, "/api/openstack-volumes/".to_owned())
        .operation("openstack_volumes_list", "/api/openstack-volumes/")
}

fn config_error(builder: waldur_client_runtime::ClientBuilder) -> String {
    match builder.build() {
        Err(Error::Config(msg)) => msg,
        other => panic!("expected a config error, got {other:?}"),
    }
}

#[tokio::test]
async fn default_headers_are_sent_in_order_and_replace_accept_and_user_agent() {
    let server = TestServer::start(vec![json("200 OK", "[]"), json("200 OK", "[]")]).await;
    let client = Client::builder(&server.url)
        .token("tok")
        .default_header("X-Portal", "billing")
        .default_header("x-trace", "a")
        .default_header("x-trace", "b")
        .build()
        .unwrap();
    client.execute(list_volumes()).await.unwrap();
    let replacing = Client::builder(&server.url)
        .default_header("accept", "application/json; version=2")
        .default_header("user-agent", "portal/3.1")
        .build()
        .unwrap();
    replacing.execute(list_volumes()).await.unwrap();
    let requests = server.requests();
    assert_eq!(
        requests[0].head,
        format!(
            "GET /api/openstack-volumes/ HTTP/1.1\r\n\
             accept: application/json\r\n\
             user-agent: waldur-client-rust/0.2.0\r\n\
             x-portal: billing\r\n\
             x-trace: a\r\n\
             x-trace: b\r\n\
             authorization: Token tok\r\n\
             host: {}\r\n\r\n",
            server.host()
        )
    );
    assert_eq!(
        requests[1].head,
        format!(
            "GET /api/openstack-volumes/ HTTP/1.1\r\n\
             accept: application/json; version=2\r\n\
             user-agent: portal/3.1\r\n\
             host: {}\r\n\r\n",
            server.host()
        )
    );
}

#[test]
fn default_headers_are_validated_and_kept_out_of_debug() {
    let base = "https://waldur.example.com";
    assert_eq!(
        config_error(Client::builder(base).default_header("Authorization", "Token x")),
        "default header Authorization: set credentials with ClientBuilder::token, bearer or \
         auth_scheme, which keep them out of Debug output and errors"
    );
    assert_eq!(
        config_error(Client::builder(base).default_header("Host", "evil.example.com")),
        "default header Host: it is set by the HTTP client for each request"
    );
    assert_eq!(
        config_error(Client::builder(base).default_header("bad name", "x")),
        "default header name \"bad name\" is not a valid HTTP header name"
    );
    assert_eq!(
        config_error(Client::builder(base).default_header("x-key", "line\nbreak")),
        "the value of default header x-key is not a valid HTTP header value"
    );
    let builder = Client::builder(base).default_header("x-api-key", "k3y-s3cret");
    let builder_debug = format!("{builder:?}");
    let client_debug = format!("{:?}", builder.build().unwrap());
    for text in [&builder_debug, &client_debug] {
        assert!(!text.contains("k3y-s3cret"), "{text}");
    }
    assert!(builder_debug.contains("default_headers: [\"x-api-key\"], hooks: 0"));
    assert!(client_debug.contains("hooks: Hooks { default_headers: [\"x-api-key\"], hooks: 0 }"));
}

/// Records what it is told and edits the request: adds a header, removes the user agent.
#[derive(Default)]
struct Recorder {
    seen: Mutex<Vec<String>>,
}

impl Hook for Recorder {
    fn on_request(
        &self,
        info: &RequestInfo<'_>,
        req: &mut reqwest::Request,
    ) -> Result<(), HookError> {
        self.seen.lock().unwrap().push(format!(
            "request {} {:?} {:?} attempt {} {}",
            info.method,
            info.operation_id,
            info.path_template,
            info.attempt,
            req.url()
        ));
        req.headers_mut()
            .insert("x-signature", format!("sig-{}", info.attempt).parse()?);
        req.headers_mut().remove(reqwest::header::USER_AGENT);
        Ok(())
    }

    fn on_response(&self, info: &RequestInfo<'_>, resp: &mut HookResponse) {
        self.seen.lock().unwrap().push(format!(
            "response {} attempt {} status {} body {}",
            info.method,
            info.attempt,
            resp.status,
            String::from_utf8_lossy(&resp.body)
        ));
    }
}

#[tokio::test]
async fn hooks_run_on_every_attempt_and_what_they_change_is_on_the_wire() {
    let server = TestServer::start(vec![
        json("503 Service Unavailable", r#"{"detail":"busy"}"#),
        json("200 OK", "[1]"),
    ])
    .await;
    // Registered through an Arc, so the test keeps a handle on it.
    let recorder = Arc::new(Recorder::default());
    let (policy, _) = recording_policy();
    let client = Client::builder(&server.url)
        .token("tok")
        .retry(policy)
        .hook(recorder.clone())
        .build()
        .unwrap();
    let mut req = list_volumes();
    req.query().push("name", "data");
    let resp = client.execute(req).await.unwrap();
    assert_eq!(&resp.body[..], b"[1]");
    let url = format!("{}/api/openstack-volumes/?name=data", server.url);
    assert_eq!(
        *recorder.seen.lock().unwrap(),
        [
            format!(
                "request GET Some(\"openstack_volumes_list\") Some(\"/api/openstack-volumes/\") attempt 1 {url}"
            ),
            r#"response GET attempt 1 status 503 body {"detail":"busy"}"#.to_owned(),
            format!(
                "request GET Some(\"openstack_volumes_list\") Some(\"/api/openstack-volumes/\") attempt 2 {url}"
            ),
            "response GET attempt 2 status 200 body [1]".to_owned(),
        ]
    );
    // The hook's header takes the slot the removed user agent left in the header map.
    let heads: Vec<String> = server.requests().into_iter().map(|r| r.head).collect();
    assert_eq!(heads.len(), 2);
    for (i, head) in heads.iter().enumerate() {
        assert_eq!(
            *head,
            format!(
                "GET /api/openstack-volumes/?name=data HTTP/1.1\r\n\
                 accept: application/json\r\n\
                 x-signature: sig-{}\r\n\
                 authorization: Token tok\r\n\
                 host: {}\r\n\r\n",
                i + 1,
                server.host()
            )
        );
    }
}

#[tokio::test]
async fn a_refusing_request_hook_sends_nothing_and_is_not_retried() {
    let server = TestServer::start(vec![json("200 OK", "[]")]).await;
    let calls = Arc::new(Mutex::new(0));
    let counted = calls.clone();
    let client = Client::builder(&server.url)
        .on_request(move |_, _| {
            *counted.lock().unwrap() += 1;
            Err("no signing key configured".into())
        })
        .build()
        .unwrap();
    let err = client.execute(list_volumes()).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "a request hook stopped openstack_volumes_list: no signing key configured"
    );
    assert!(matches!(&err, Error::Hook { operation, message }
        if operation == "openstack_volumes_list" && message == "no signing key configured"));
    assert_eq!(err.attempts(), 0);
    assert!(!err.is_retryable());
    assert_eq!(*calls.lock().unwrap(), 1);
    // Without an operation id the error names method and path.
    let err = client
        .execute(ApiRequest::new(Method::DELETE, "/api/x/1/".to_owned()))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "a request hook stopped DELETE /api/x/1/: no signing key configured"
    );
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn request_hooks_run_in_order_and_can_rewrite_the_body() {
    let server = TestServer::start(vec![json("201 Created", "{}")]).await;
    let client = Client::builder(&server.url)
        .on_request(|_, req| {
            req.headers_mut().insert("x-order", "first".parse()?);
            Ok(())
        })
        .on_request(|_, req| {
            let first = req
                .headers()
                .get("x-order")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("none")
                .to_owned();
            req.headers_mut()
                .insert("x-order", format!("{first},second").parse()?);
            *req.body_mut() = Some(reqwest::Body::from(r#"{"name":"rewritten"}"#));
            Ok(())
        })
        .build()
        .unwrap();
    let req = ApiRequest::new(Method::POST, "/api/openstack-volumes/".to_owned())
        .json(&serde_json::json!({"name": "original"}))
        .unwrap();
    client.execute(req).await.unwrap();
    let sent = &server.requests()[0];
    assert_eq!(sent.header("x-order"), Some("first,second"));
    assert_eq!(sent.body_text(), r#"{"name":"rewritten"}"#);
}

#[tokio::test]
async fn response_hooks_see_every_status_and_may_repair_a_response() {
    let server = TestServer::start(vec![
        respond(
            "404 Not Found",
            &[("X-Request-Id", "r-1")],
            r#"{"detail":"Not found."}"#,
        ),
        respond(
            "200 OK",
            &[("Content-Type", "application/json")],
            r#"{"name": "truncated"#,
        ),
    ])
    .await;
    let statuses = Arc::new(Mutex::new(Vec::new()));
    let seen = statuses.clone();
    let client = Client::builder(&server.url)
        .retry(waldur_client_runtime::RetryPolicy::none())
        .on_response(move |info, resp| {
            seen.lock().unwrap().push((
                info.operation_id,
                resp.status,
                resp.headers
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned),
            ));
        })
        .on_response(|_, resp| {
            // A proxy that cuts bodies short: close the object the way the server meant to.
            if resp.status == 200 && !resp.body.ends_with(b"}") {
                let mut body = resp.body.to_vec();
                body.extend_from_slice(b"\"}");
                resp.body = body.into();
                resp.headers.insert("x-repaired", "1".parse().unwrap());
            }
        })
        .build()
        .unwrap();
    let err = client.execute(list_volumes()).await.unwrap_err();
    assert_eq!(err.status(), Some(404));
    let resp = client.execute(list_volumes()).await.unwrap();
    assert_eq!(&resp.body[..], br#"{"name": "truncated"}"#);
    assert_eq!(resp.headers.get("x-repaired").unwrap(), "1");
    assert_eq!(
        *statuses.lock().unwrap(),
        [
            (Some("openstack_volumes_list"), 404, Some("r-1".to_owned())),
            (Some("openstack_volumes_list"), 200, None),
        ]
    );
}

#[tokio::test]
async fn a_response_hook_may_turn_a_status_into_another() {
    let server = TestServer::start(vec![json("200 OK", r#"{"detail":"maintenance"}"#)]).await;
    let client = Client::builder(&server.url)
        .on_response(|_, resp| {
            if resp.body.starts_with(br#"{"detail""#) {
                resp.status = 503;
            }
        })
        .retry(waldur_client_runtime::RetryPolicy::none())
        .build()
        .unwrap();
    let err = client.execute(list_volumes()).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "HTTP 503 Service Unavailable from GET {}/api/openstack-volumes/: maintenance",
            server.url
        )
    );
}

#[tokio::test]
async fn response_hooks_are_not_called_without_a_response() {
    let server = TestServer::start(vec![Reply::Reset]).await;
    let calls = Arc::new(Mutex::new(0));
    let counted = calls.clone();
    let client = Client::builder(&server.url)
        .retry(waldur_client_runtime::RetryPolicy::none())
        .on_response(move |_, _| *counted.lock().unwrap() += 1)
        .build()
        .unwrap();
    let err = client.execute(list_volumes()).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(*calls.lock().unwrap(), 0);
}

#[tokio::test]
async fn hooks_work_on_a_caller_supplied_reqwest_client() {
    let server = TestServer::start(vec![json("200 OK", "[]")]).await;
    let own = reqwest::Client::builder()
        .default_headers(
            [(
                reqwest::header::HeaderName::from_static("x-from-reqwest"),
                reqwest::header::HeaderValue::from_static("1"),
            )]
            .into_iter()
            .collect(),
        )
        .build()
        .unwrap();
    let client = Client::builder(&server.url)
        .http_client(own)
        .default_header("x-from-builder", "2")
        .on_request(|_, req| {
            req.headers_mut().insert("x-from-hook", "3".parse()?);
            Ok(())
        })
        .build()
        .unwrap();
    client.execute(list_volumes()).await.unwrap();
    let sent = &server.requests()[0];
    assert_eq!(sent.header("x-from-reqwest"), Some("1"));
    assert_eq!(sent.header("x-from-builder"), Some("2"));
    assert_eq!(sent.header("x-from-hook"), Some("3"));
}
