//! Private CAs: `ClientBuilder::root_certificate` and `WALDUR_CA_BUNDLE`, against a loopback
//! HTTPS server whose CA and certificate are made at test time. The server also answers plain
//! HTTP on the same port, so that a downgrade redirect that sent anything would be seen.
#![cfg(any(feature = "rustls-tls", feature = "native-tls"))]

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use reqwest::Method;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use waldur_client_runtime::{ApiRequest, Client, ClientBuilder, Error, RetryPolicy};

const TOKEN: &str = "secret-token";

/// A CA, a certificate it issued for `127.0.0.1` and `localhost`, and an unrelated CA.
struct Pki {
    ca_pem: String,
    other_ca_pem: String,
    server: Arc<ServerConfig>,
}

fn ca(name: &str) -> (CertificateParams, KeyPair, String) {
    let key = KeyPair::generate().expect("CA key");
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let pem = params.self_signed(&key).expect("CA certificate").pem();
    (params, key, pem)
}

fn pki() -> Pki {
    let (ca_params, ca_key, ca_pem) = ca("Waldur test CA");
    let (_, _, other_ca_pem) = ca("Unrelated test CA");
    let key = KeyPair::generate().expect("server key");
    let mut params = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
        .expect("server params");
    params
        .distinguished_name
        .push(DnType::CommonName, "127.0.0.1");
    let cert = params
        .signed_by(&key, &Issuer::new(ca_params, ca_key))
        .expect("server certificate");
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let server = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(cert.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .expect("server config");
    Pki {
        ca_pem,
        other_ca_pem,
        server: Arc::new(server),
    }
}

/// What reached the server on one connection.
#[derive(Debug, Clone, PartialEq)]
enum Seen {
    /// A request over TLS: its head.
    Https(String),
    /// A request in plain HTTP on the same port: its head.
    Http(String),
    /// A TLS handshake the client gave up (it did not trust the certificate).
    FailedHandshake,
}

struct Server {
    /// `https://127.0.0.1:<port>`.
    url: String,
    port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    /// Answers every TLS request with `reply(port)`, and every plain HTTP request with
    /// `200 {}`.
    async fn start(config: Arc<ServerConfig>, reply: fn(u16) -> String) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = seen.clone();
        let acceptor = TlsAcceptor::from(config);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let record = record.clone();
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let mut first = [0u8; 1];
                    if !matches!(stream.peek(&mut first).await, Ok(1)) {
                        return;
                    }
                    // 0x16 starts a TLS handshake record; anything else is plain HTTP.
                    if first[0] != 0x16 {
                        let mut stream = stream;
                        let head = read_head(&mut stream).await;
                        record.lock().unwrap().push(Seen::Http(head));
                        let _ = stream
                            .write_all(
                                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                                  Content-Length: 2\r\nConnection: close\r\n\r\n{}",
                            )
                            .await;
                        let _ = stream.shutdown().await;
                        return;
                    }
                    match acceptor.accept(stream).await {
                        Ok(mut tls) => {
                            let head = read_head(&mut tls).await;
                            record.lock().unwrap().push(Seen::Https(head));
                            let _ = tls.write_all(reply(port).as_bytes()).await;
                            let _ = tls.shutdown().await;
                        }
                        Err(_) => record.lock().unwrap().push(Seen::FailedHandshake),
                    }
                });
            }
        });
        Server {
            url: format!("https://127.0.0.1:{port}"),
            port,
            seen,
        }
    }

    /// What reached the server, once `n` connections have been recorded (the server records
    /// a handshake failure slightly after the client gave up).
    async fn seen(&self, n: usize) -> Vec<Seen> {
        for _ in 0..500 {
            if self.seen.lock().unwrap().len() >= n {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        self.seen.lock().unwrap().clone()
    }
}

async fn read_head(stream: &mut (impl AsyncRead + Unpin)) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte).await {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&head).into_owned()
}

fn json_reply(_port: u16) -> String {
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\
     Connection: close\r\n\r\n{\"ok\":true}"
        .to_owned()
}

fn downgrade_reply(port: u16) -> String {
    format!(
        "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:{port}/api/x/\r\nContent-Length: 0\r\n\
         Connection: close\r\n\r\n"
    )
}

fn builder(server: &Server) -> ClientBuilder {
    Client::builder(&server.url)
        .token(TOKEN)
        .retry(RetryPolicy::none())
}

fn get() -> ApiRequest {
    ApiRequest::new(Method::GET, "/api/x/".to_owned())
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().skip(1).find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

fn config_error(result: Result<Client, Error>) -> String {
    match result {
        Err(Error::Config(msg)) => msg,
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_server_certificate_from_a_root_certificate_is_trusted_and_others_are_not() {
    let pki = pki();
    let server = Server::start(pki.server.clone(), json_reply).await;

    let resp = builder(&server)
        .root_certificate(&pki.ca_pem)
        .build()
        .unwrap()
        .execute(get())
        .await
        .unwrap();
    assert_eq!((resp.status, &resp.body[..]), (200, &b"{\"ok\":true}"[..]));
    let seen = server.seen(1).await;
    let [Seen::Https(head)] = &seen[..] else {
        panic!("{seen:?}")
    };
    assert_eq!(head.lines().next(), Some("GET /api/x/ HTTP/1.1"));
    assert_eq!(header(head, "authorization"), Some("Token secret-token"));

    // Without it (or with an unrelated CA) the built-in roots do not know the server's CA:
    // the handshake fails, and no request, so no token, is sent.
    for client in [
        builder(&server).build().unwrap(),
        builder(&server)
            .root_certificate(&pki.other_ca_pem)
            .build()
            .unwrap(),
    ] {
        let err = client.execute(get()).await.unwrap_err();
        let Error::Transport { source, .. } = &err else {
            panic!("{err:?}")
        };
        assert!(source.is_connect(), "{err}");
        let text = err.to_string();
        let prefix = format!("GET {}/api/x/ failed: cannot connect: ", server.url);
        assert!(text.starts_with(&prefix), "{text}");
        // The TLS library's own words: OpenSSL's (native-tls, used when both features are
        // on) or rustls'.
        let cause = if cfg!(feature = "native-tls") {
            "certificate verify failed"
        } else {
            "invalid peer certificate: UnknownIssuer"
        };
        assert!(text.contains(cause), "{text}");
    }
    assert_eq!(
        server.seen(3).await[1..],
        [Seen::FailedHandshake, Seen::FailedHandshake]
    );
}

#[tokio::test]
async fn an_https_to_http_redirect_on_the_same_port_sends_nothing_over_http() {
    let pki = pki();
    let server = Server::start(pki.server.clone(), downgrade_reply).await;
    let client = builder(&server)
        .root_certificate(&pki.ca_pem)
        .build()
        .unwrap();
    let err = client.execute(get()).await.unwrap_err();
    assert!(matches!(err, Error::Redirect(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "GET {}/api/x/ was redirected (HTTP 302) to \"http://127.0.0.1:{}/api/x/\", which \
             the client refused: it changes the scheme from https to http; the credentials are \
             only sent to the origin of the base URL (use the target's scheme in the base URL \
             if it is right)",
            server.url, server.port
        )
    );
    // The token went over TLS only; nothing at all reached the plain HTTP side.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let seen = server.seen(1).await;
    let [Seen::Https(head)] = &seen[..] else {
        panic!("{seen:?}")
    };
    assert_eq!(header(head, "authorization"), Some("Token secret-token"));
}

#[tokio::test]
async fn a_caller_supplied_client_with_reqwests_default_redirects_sends_the_token_over_http() {
    // Why root_certificate exists: the only other way to trust a private CA is a
    // reqwest::Client of one's own, and with reqwest's default redirect policy that client
    // follows the downgrade itself, token included, before this client sees the answer. The
    // answer is refused, but too late.
    let pki = pki();
    let server = Server::start(pki.server.clone(), downgrade_reply).await;
    let http = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(pki.ca_pem.as_bytes()).unwrap())
        .build()
        .unwrap();
    let err = builder(&server)
        .http_client(http)
        .build()
        .unwrap()
        .execute(get())
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "GET {}/api/x/ was redirected to \"http://127.0.0.1:{}/api/x/\", which the client \
             refused: the caller-supplied HTTP client followed it to another origin, and its \
             answer is not accepted; build that client with redirect::Policy::none()",
            server.url, server.port
        )
    );
    let seen = server.seen(2).await;
    let [Seen::Https(_), Seen::Http(head)] = &seen[..] else {
        panic!("{seen:?}")
    };
    assert_eq!(header(head, "authorization"), Some("Token secret-token"));

    // A caller-supplied client already has its roots.
    let http = reqwest::Client::new();
    assert_eq!(
        config_error(
            builder(&server)
                .http_client(http)
                .root_certificate(&pki.ca_pem)
                .build()
        ),
        "root_certificate cannot be applied to a caller-supplied http_client; add the \
         certificate to that reqwest::Client instead, or leave http_client out"
    );
}

#[test]
fn a_root_certificate_that_is_not_a_pem_certificate_is_refused_by_build() {
    let pki = pki();
    let build = |pems: &[&[u8]]| {
        pems.iter()
            .fold(Client::builder("https://127.0.0.1:1"), |b, pem| {
                b.root_certificate(pem)
            })
            .build()
    };
    let expected = "expected one or more PEM blocks from \"-----BEGIN CERTIFICATE-----\" to \
                    \"-----END CERTIFICATE-----\"";
    // Not PEM at all, and PEM without a certificate (a key alone).
    for pem in [
        &b"MIIBszCCAVmgAwIBAgIU"[..],
        &b""[..],
        KeyPair::generate().unwrap().serialize_pem().as_bytes(),
    ] {
        assert_eq!(
            config_error(build(&[pem])),
            format!("root_certificate: no certificate found; {expected}")
        );
    }
    // A CERTIFICATE block whose base64 is broken, or whose contents are not X.509.
    let broken_base64 = "-----BEGIN CERTIFICATE-----\nMIIB!!!!\n-----END CERTIFICATE-----\n";
    let not_x509 = "-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n";
    for pem in [broken_base64, not_x509] {
        assert_eq!(
            config_error(build(&[pem.as_bytes()])),
            format!(
                "root_certificate: a CERTIFICATE block does not decode to an X.509 certificate \
                 (broken base64 or DER); {expected}"
            )
        );
    }
    // With several calls, the message says which one; the others are fine.
    assert_eq!(
        config_error(build(&[pki.ca_pem.as_bytes(), not_x509.as_bytes()])),
        format!(
            "root_certificate (call 2 of 2): a CERTIFICATE block does not decode to an X.509 \
             certificate (broken base64 or DER); {expected}"
        )
    );
    // Other blocks around certificates are ignored.
    let key = KeyPair::generate().unwrap().serialize_pem();
    build(&[format!("{key}{}", pki.ca_pem).as_bytes()]).unwrap();
}

/// A file under the temporary directory, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, contents: &str) -> TempFile {
        let path = std::env::temp_dir().join(format!("waldur-tls-{}-{name}", std::process::id()));
        std::fs::write(&path, contents).unwrap();
        TempFile(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn from_vars(url: &str, ca_bundle: &str) -> Result<ClientBuilder, Error> {
    let vars: Vec<(&str, String)> = vec![
        ("WALDUR_API_URL", url.to_owned()),
        ("WALDUR_API_TOKEN", TOKEN.to_owned()),
        ("WALDUR_CA_BUNDLE", ca_bundle.to_owned()),
    ];
    ClientBuilder::from_vars(move |name| {
        vars.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| Ok::<_, OsString>(v.clone()))
    })
}

#[tokio::test]
async fn waldur_ca_bundle_names_a_pem_file_of_several_certificates() {
    let pki = pki();
    let server = Server::start(pki.server.clone(), json_reply).await;
    // The server's CA comes second: every certificate of the file is trusted, not the first.
    let bundle = TempFile::new(
        "bundle.pem",
        &format!("{}\n{}", pki.other_ca_pem, pki.ca_pem),
    );
    let client = from_vars(&server.url, bundle.path())
        .unwrap()
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let resp = client.execute(get()).await.unwrap();
    assert_eq!(resp.status, 200);
    let seen = server.seen(1).await;
    let [Seen::Https(head)] = &seen[..] else {
        panic!("{seen:?}")
    };
    assert_eq!(header(head, "authorization"), Some("Token secret-token"));

    // A missing file, and a file without a certificate, name the variable and the path.
    let missing = std::env::temp_dir().join("waldur-tls-no-such-bundle.pem");
    let missing = missing.to_str().unwrap();
    assert_eq!(
        config_error(from_vars(&server.url, missing).and_then(ClientBuilder::build)),
        format!(
            "environment variable WALDUR_CA_BUNDLE: cannot read the CA bundle {missing:?}: No \
             such file or directory (os error 2)"
        )
    );
    let empty = TempFile::new("empty.pem", "# no certificates here\n");
    assert_eq!(
        config_error(from_vars(&server.url, empty.path()).and_then(ClientBuilder::build)),
        format!(
            "environment variable WALDUR_CA_BUNDLE: the CA bundle {:?}: no certificate found; \
             expected one or more PEM blocks from \"-----BEGIN CERTIFICATE-----\" to \
             \"-----END CERTIFICATE-----\"",
            empty.path()
        )
    );
}
