//! Replays the HTTP traffic recorded against real Waldur servers (`../shared/recordings`, VCR
//! cassettes). For every recorded exchange that hits an operation of the seed spec, the
//! generated client makes the same call against a loopback server that answers with the
//! recorded response; the test asserts the request equals the recording (method, path, query,
//! JSON body) and that the recorded response decodes and re-encodes to the same JSON.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;
use waldur_client::Client;
use waldur_client::models::{
    OpenStackVolumeExtendRequest, OpenStackVolumeRetypeRequest, VolumeAttachRequest,
};
use waldur_client::openstack_volumes::{
    OpenstackVolumesListParams, OpenstackVolumesRetrieveParams,
};
use waldur_test_server::{Recorded, TestServer, respond, shared_dir};

#[derive(Debug)]
struct Exchange {
    cassette: String,
    method: String,
    path: String,
    query: Vec<(String, String)>,
    body: Option<Value>,
    status: u16,
    reason: String,
    headers: Vec<(String, String)>,
    response: String,
}

fn load(dir: &Path) -> Vec<Exchange> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut out = Vec::new();
    for file in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "yaml"))
    {
        let doc: serde_yaml::Value =
            serde_yaml::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        for i in doc["interactions"].as_sequence().unwrap() {
            let req = &i["request"];
            let resp = &i["response"];
            let uri = req["uri"].as_str().unwrap();
            let after_host = uri.splitn(4, '/').nth(3).unwrap();
            let (path, query) = after_host.split_once('?').unwrap_or((after_host, ""));
            let query = query
                .split('&')
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let (k, v) = p.split_once('=').unwrap_or((p, ""));
                    (decode_form(k), decode_form(v))
                })
                .collect();
            let headers = resp["headers"]
                .as_mapping()
                .unwrap()
                .iter()
                .filter(|(k, _)| {
                    // The loopback server sets its own framing headers.
                    !matches!(
                        k.as_str().unwrap(),
                        "Content-Length" | "Connection" | "Transfer-Encoding"
                    )
                })
                .map(|(k, v)| {
                    (
                        k.as_str().unwrap().to_string(),
                        v[0].as_str().unwrap().to_string(),
                    )
                })
                .collect();
            out.push(Exchange {
                cassette: file.file_name().unwrap().to_string_lossy().into_owned(),
                method: req["method"].as_str().unwrap().to_string(),
                path: format!("/{path}"),
                query,
                body: req["body"]
                    .as_str()
                    .map(|b| serde_json::from_str(b).unwrap()),
                status: resp["status"]["code"].as_u64().unwrap() as u16,
                reason: resp["status"]["message"].as_str().unwrap().to_string(),
                headers,
                response: resp["body"]["string"].as_str().unwrap_or("").to_string(),
            });
        }
    }
    out
}

/// `application/x-www-form-urlencoded` decoding (`+` is a space), as the cassettes record URIs.
fn decode_form(s: &str) -> String {
    let bytes = s.replace('+', " ").into_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// Query pairs of a request the loopback server received, percent-decoded, sorted.
fn received_query(r: &Recorded) -> Vec<(String, String)> {
    let target = r.request_line().split(' ').nth(1).unwrap();
    let mut pairs: Vec<(String, String)> = target
        .split_once('?')
        .map(|(_, q)| q)
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode_form(k), decode_form(v))
        })
        .collect();
    pairs.sort();
    pairs
}

/// What the client decoded, re-encoded as JSON, for comparison with the recorded body.
async fn call(client: &Client, ex: &Exchange) -> Option<Value> {
    let vols = client.openstack_volumes();
    let segs: Vec<&str> = ex.path.trim_matches('/').split('/').collect();
    let body_str = |k: &str| {
        ex.body
            .as_ref()
            .and_then(|b| b[k].as_str())
            .unwrap()
            .to_string()
    };
    let extra = |known: &[&str]| -> BTreeMap<String, Value> {
        let obj = ex
            .body
            .as_ref()
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        obj.into_iter()
            .filter(|(k, _)| !known.contains(&k.as_str()))
            .collect()
    };
    Some(match (ex.method.as_str(), segs.as_slice()) {
        ("GET", ["api", "openstack-volumes"]) => {
            let mut p = OpenstackVolumesListParams::default();
            for (k, v) in &ex.query {
                p = match k.as_str() {
                    "tenant_uuid" => p.tenant_uuid(v),
                    "name_exact" => p.name_exact(v),
                    other => panic!(
                        "{}: query parameter {other} not mapped in this test",
                        ex.cassette
                    ),
                };
            }
            let page = vols.list(&p).await.unwrap();
            assert_eq!(
                page.total,
                Some(
                    ex.headers
                        .iter()
                        .find(|(k, _)| k == "X-Result-Count")
                        .unwrap()
                        .1
                        .parse()
                        .unwrap()
                )
            );
            serde_json::to_value(&page.items).unwrap()
        }
        ("GET", ["api", "openstack-volumes", uuid]) => serde_json::to_value(
            vols.retrieve(uuid, &OpenstackVolumesRetrieveParams::default())
                .await
                .unwrap(),
        )
        .unwrap(),
        ("POST", ["api", "openstack-volumes", uuid, "attach"]) => {
            let mut b = VolumeAttachRequest::new(body_str("instance"));
            // `device` is sent by the real Ansible module but missing from the seed page.
            b.extra = extra(&["instance"]);
            vols.attach(uuid, &b).await.unwrap().body.unwrap()
        }
        ("POST", ["api", "openstack-volumes", uuid, "detach"]) => {
            vols.detach(uuid).await.unwrap().body.unwrap()
        }
        ("POST", ["api", "openstack-volumes", uuid, "extend"]) => {
            let size = ex.body.as_ref().unwrap()["disk_size"].as_i64().unwrap();
            vols.extend(uuid, &OpenStackVolumeExtendRequest::new(size))
                .await
                .unwrap()
                .body
                .unwrap()
        }
        ("POST", ["api", "openstack-volumes", uuid, "retype"]) => vols
            .retype(uuid, &OpenStackVolumeRetypeRequest::new(body_str("type")))
            .await
            .unwrap()
            .body
            .unwrap(),
        _ => return None,
    })
}

#[tokio::test]
async fn recorded_traffic_replays_through_the_generated_client() {
    let Some(shared) = shared_dir("replay") else {
        return;
    };
    let exchanges = load(&shared.join("recordings"));
    let mut replayed = Vec::new();
    let mut other = 0;
    for ex in &exchanges {
        let headers: Vec<(&str, &str)> = ex
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let server = TestServer::start(vec![respond(
            &format!("{} {}", ex.status, ex.reason),
            &headers,
            &ex.response,
        )])
        .await;
        let client = Client::new(&server.url, "DUMMY").unwrap();
        let Some(decoded) = call(&client, ex).await else {
            other += 1;
            continue;
        };
        let reqs = server.requests();
        assert_eq!(reqs.len(), 1, "{}: {} {}", ex.cassette, ex.method, ex.path);
        let r = &reqs[0];
        let target = r.request_line().split(' ').nth(1).unwrap().to_string();
        assert_eq!(
            r.request_line().split(' ').next(),
            Some(ex.method.as_str()),
            "{}",
            ex.cassette
        );
        assert_eq!(
            target.split('?').next(),
            Some(ex.path.as_str()),
            "{}",
            ex.cassette
        );
        let mut expected_query = ex.query.clone();
        expected_query.sort();
        assert_eq!(
            received_query(r),
            expected_query,
            "{}: query of {}",
            ex.cassette,
            ex.path
        );
        let sent: Option<Value> =
            (!r.body.is_empty()).then(|| serde_json::from_slice(&r.body).unwrap());
        assert_eq!(
            sent, ex.body,
            "{}: body of {} {}",
            ex.cassette, ex.method, ex.path
        );
        let recorded: Value = serde_json::from_str(&ex.response).unwrap();
        assert_eq!(
            decoded, recorded,
            "{}: decode-then-encode of {} {}",
            ex.cassette, ex.method, ex.path
        );
        replayed.push(format!("{} {}", ex.method, ex.path));
    }
    // Every exchange on the openstack-volumes endpoints is covered; the others (marketplace,
    // projects, tenants, instances) belong to pages the seed spec does not include.
    replayed.sort();
    replayed.dedup();
    assert_eq!(
        replayed,
        [
            "GET /api/openstack-volumes/",
            "GET /api/openstack-volumes/b9e6da6cb6164cacb584184934744208/",
            "POST /api/openstack-volumes/b9e6da6cb6164cacb584184934744208/extend/",
            "POST /api/openstack-volumes/b9e6da6cb6164cacb584184934744208/retype/",
            "POST /api/openstack-volumes/c14f421348714cbf851b9d8a7f37d1b7/attach/",
            "POST /api/openstack-volumes/c14f421348714cbf851b9d8a7f37d1b7/detach/",
        ]
    );
    assert_eq!(
        exchanges.len() - other,
        8,
        "two list calls and two retrieves are recorded twice"
    );
    eprintln!(
        "replayed {} of {} recorded exchanges",
        exchanges.len() - other,
        exchanges.len()
    );
}
