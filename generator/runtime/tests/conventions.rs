//! Conventions of a Rust API client: configuration from the environment, a base URL with or
//! without `/api/`, and a prelude with the stream traits.

mod support;

use std::ffi::OsString;
use std::process::Command;

use reqwest::Method;
use support::{TestServer, json};
use waldur_client_runtime::prelude::*;
use waldur_client_runtime::{ApiRequest, paginate};

type Vars = Vec<(&'static str, Result<String, OsString>)>;

fn from(vars: Vars) -> Result<ClientBuilder, Error> {
    ClientBuilder::from_vars(move |name| {
        vars.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
    })
}

fn config_error(vars: Vars) -> String {
    match from(vars).and_then(ClientBuilder::build) {
        Err(Error::Config(msg)) => msg,
        other => panic!("expected a config error, got {other:?}"),
    }
}

fn ok(s: &str) -> Result<String, OsString> {
    Ok(s.to_owned())
}

#[test]
fn missing_empty_and_invalid_variables_are_named() {
    assert_eq!(
        config_error(vec![]),
        "environment variable WALDUR_API_URL is not set; set it to the Waldur server URL, \
         e.g. https://waldur.example.com"
    );
    assert_eq!(
        config_error(vec![("WALDUR_API_URL", ok("https://waldur.example.com"))]),
        "environment variable WALDUR_API_TOKEN is not set; set it to a Waldur API token"
    );
    assert_eq!(
        config_error(vec![
            ("WALDUR_API_URL", ok("  ")),
            ("WALDUR_API_TOKEN", ok("t")),
        ]),
        "environment variable WALDUR_API_URL is set but empty"
    );
    assert_eq!(
        config_error(vec![
            ("WALDUR_API_URL", ok("https://waldur.example.com")),
            ("WALDUR_API_TOKEN", Err(OsString::from("x"))),
        ]),
        "environment variable WALDUR_API_TOKEN is not valid Unicode"
    );
    assert_eq!(
        config_error(vec![
            ("WALDUR_API_URL", ok("waldur.example.com")),
            ("WALDUR_API_TOKEN", ok("t")),
        ]),
        "environment variable WALDUR_API_URL: base URL \"waldur.example.com\" is not a valid \
         URL: relative URL without a base"
    );
    assert_eq!(
        config_error(vec![
            ("WALDUR_API_URL", ok("https://waldur.example.com")),
            ("WALDUR_API_TOKEN", ok("s3cret\u{7}token")),
        ]),
        "environment variable WALDUR_API_TOKEN: the Token credential contains characters not \
         allowed in an HTTP header"
    );
    assert_eq!(
        config_error(vec![
            ("WALDUR_API_URL", ok("https://waldur.example.com")),
            ("WALDUR_API_TOKEN", ok("t")),
            ("WALDUR_API_TOKEN_SCHEME", ok("Bearer x")),
        ]),
        "WALDUR_API_TOKEN_SCHEME=\"Bearer x\" is not an authorization scheme (letters, digits \
         and '-', such as Token or Bearer)"
    );
}

#[tokio::test]
async fn variables_configure_url_token_and_scheme() {
    let server = TestServer::start(vec![json("200 OK", "[]"), json("200 OK", "[]")]).await;
    let token_client = from(vec![
        ("WALDUR_API_URL", ok(&format!("{}/api/\n", server.url))),
        ("WALDUR_API_TOKEN", ok(" 0123abcd\n")),
    ])
    .unwrap()
    .user_agent("portal/1.0")
    .build()
    .unwrap();
    let bearer_client = from(vec![
        ("WALDUR_API_URL", ok(&server.url)),
        ("WALDUR_API_TOKEN", ok("eyJhbGciOi")),
        ("WALDUR_API_TOKEN_SCHEME", ok("Bearer")),
    ])
    .unwrap()
    .build()
    .unwrap();
    for client in [token_client, bearer_client] {
        client
            .execute(ApiRequest::new(Method::GET, "/api/projects/".to_owned()))
            .await
            .unwrap();
    }
    let requests = server.requests();
    assert_eq!(requests[0].request_line(), "GET /api/projects/ HTTP/1.1");
    assert_eq!(requests[0].header("authorization"), Some("Token 0123abcd"));
    assert_eq!(requests[0].header("user-agent"), Some("portal/1.0"));
    assert_eq!(
        requests[1].header("authorization"),
        Some("Bearer eyJhbGciOi")
    );
}

/// `Client::from_env` reads the real process environment: checked in a child process (this
/// test binary, re-run on this one test) so that no test changes the environment of another.
#[test]
fn from_env_reads_the_process_environment() {
    if std::env::var_os("WALDUR_CONVENTIONS_CHILD").is_some() {
        match Client::from_env() {
            Ok(client) => println!("child: ok {}", client.base_url()),
            Err(e) => println!("child: error {e}"),
        }
        return;
    }
    let run = |vars: &[(&str, &str)]| {
        let mut cmd = Command::new(std::env::current_exe().unwrap());
        cmd.args([
            "--exact",
            "from_env_reads_the_process_environment",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("WALDUR_CONVENTIONS_CHILD", "1")
        .env_remove("WALDUR_API_URL")
        .env_remove("WALDUR_API_TOKEN")
        .env_remove("WALDUR_API_TOKEN_SCHEME");
        for (k, v) in vars {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        stdout
            .lines()
            .find_map(|l| l.split_once("child: ").map(|(_, rest)| rest.to_owned()))
            .unwrap_or_else(|| panic!("no child line in {stdout}"))
    };
    assert_eq!(
        run(&[
            ("WALDUR_API_URL", "http://waldur.example.com/api/"),
            ("WALDUR_API_TOKEN", "0123abcd")
        ]),
        "ok http://waldur.example.com/"
    );
    assert_eq!(
        run(&[("WALDUR_API_TOKEN", "0123abcd")]),
        "error invalid client configuration: environment variable WALDUR_API_URL is not set; \
         set it to the Waldur server URL, e.g. https://waldur.example.com"
    );
}

#[tokio::test]
async fn a_base_url_with_or_without_api_reaches_the_same_paths() {
    let bases = ["", "/", "/api", "/api/", "/waldur/api/", "/waldur/"];
    let server = TestServer::start(bases.iter().map(|_| json("200 OK", "[]")).collect()).await;
    let mut roots = Vec::new();
    for base in bases {
        let client = Client::new(&format!("{}{base}", server.url), "t").unwrap();
        roots.push(client.base_url().as_str().to_owned());
        client
            .execute(ApiRequest::new(
                Method::GET,
                "/api/openstack-volumes/".to_owned(),
            ))
            .await
            .unwrap();
    }
    let root = format!("{}/", server.url);
    let prefixed = format!("{}/waldur/", server.url);
    assert_eq!(
        roots,
        [&root, &root, &root, &root, &prefixed, &prefixed].map(String::clone)
    );
    let lines: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.request_line().to_owned())
        .collect();
    assert_eq!(
        lines,
        [
            "GET /api/openstack-volumes/ HTTP/1.1",
            "GET /api/openstack-volumes/ HTTP/1.1",
            "GET /api/openstack-volumes/ HTTP/1.1",
            "GET /api/openstack-volumes/ HTTP/1.1",
            "GET /waldur/api/openstack-volumes/ HTTP/1.1",
            "GET /waldur/api/openstack-volumes/ HTTP/1.1",
        ]
    );
    // Only a final `api` segment is the API root; `/apis/` or `/api/v2/` are prefixes.
    for (base, kept) in [("/apis/", "/apis/"), ("/api/v2", "/api/v2/")] {
        let client = Client::new(&format!("http://h.example.com{base}"), "t").unwrap();
        assert_eq!(client.base_url().path(), kept);
    }
}

/// What the prelude brings is enough to consume a page stream.
#[tokio::test]
async fn the_prelude_brings_the_stream_traits() {
    let stream = paginate(2, None, |page, _| async move {
        Ok(Page {
            items: if page == 1 { vec![1, 2] } else { vec![3] },
            total: Some(3),
            page,
            page_size: 2,
            next_page: (page == 1).then_some(2),
        })
    });
    let mut boxed: BoxStream<'static, Result<i32, Error>> = stream.boxed();
    assert_eq!(boxed.try_next().await.unwrap(), Some(1));
    let rest: Vec<i32> = boxed.try_collect().await.unwrap();
    assert_eq!(rest, [2, 3]);
}

#[cfg(not(any(feature = "rustls-tls", feature = "native-tls")))]
#[test]
fn https_without_a_tls_feature_is_a_configuration_error() {
    let err = Client::new("https://waldur.example.com", "t").unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid client configuration: base URL \"https://waldur.example.com\" uses https, but \
         this crate was built without TLS: enable its feature rustls-tls (a default feature) or \
         native-tls"
    );
}
