//! Between the whole-API crate and `waldur_live_check`: the client, the server's operations,
//! one call run to an `Outcome`, and the crate's findings in the report's terms.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use crate::calls::api;
use crate::live_check::{Cause, Finding, FindingKind, Outcome, ServerOperations};

use api::runtime::Inspect;
use api::runtime::hooks::{Hook, HookResponse, RequestInfo};

/// The live server, from the environment `cargo xtask live` sets.
pub struct Live {
    pub url: String,
    pub token: String,
}

impl Live {
    pub fn from_env() -> Live {
        let var = |name: &str| {
            std::env::var(name).unwrap_or_else(|_| {
                eprintln!("{name} is not set: run this harness with `cargo xtask live`");
                std::process::exit(2)
            })
        };
        Live {
            url: var("WALDUR_LIVE_URL"),
            token: var("WALDUR_LIVE_TOKEN"),
        }
    }

    /// `http://127.0.0.1:PORT/api/<path>`.
    pub fn api_url(&self, path: &str) -> String {
        format!("{}/api/{path}", self.url.trim_end_matches('/'))
    }
}

/// The body of the last 2xx response of each operation, to tell a decode error of valid JSON
/// (the client's fault) from a body that is not JSON (the server's).
#[derive(Default)]
pub struct Bodies(Mutex<BTreeMap<&'static str, Vec<u8>>>);

impl Bodies {
    fn is_json(&self, operation: &str) -> bool {
        let bodies = self.0.lock().expect("bodies lock");
        bodies
            .get(operation)
            .is_some_and(|body| serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok())
    }
}

impl Hook for Bodies {
    fn on_response(&self, info: &RequestInfo<'_>, response: &mut HookResponse) {
        if let (Some(op), true) = (info.operation_id, (200..300).contains(&response.status)) {
            let mut bodies = self.0.lock().expect("bodies lock");
            bodies.insert(op, response.body.to_vec());
        }
    }
}

/// The client every call goes through, with the staff token and the body recorder.
pub fn client(live: &Live, bodies: &Arc<Bodies>) -> api::Client {
    api::Client::builder(&live.url)
        .token(&live.token)
        .hook(bodies.clone())
        .build()
        .unwrap_or_else(|e| {
            eprintln!("cannot build a client of {}: {e}", live.url);
            std::process::exit(2)
        })
}

/// What the server has: its own schema (`/docs/?format=openapi`, Swagger 2.0 on the
/// versions without OpenAPI 3), and the collections of its API root.
pub async fn server_operations(live: &Live) -> Result<ServerOperations, String> {
    let http = api::runtime::reqwest::Client::new();
    let get = |path: String, accept: &'static str| {
        let request = http
            .get(format!("{}/{path}", live.url.trim_end_matches('/')))
            .header("Accept", accept)
            .header("Authorization", format!("Token {}", live.token));
        async move {
            let response = request.send().await.map_err(|e| e.to_string())?;
            let status = response.status();
            let bytes = response.bytes().await.map_err(|e| e.to_string())?;
            if !status.is_success() {
                return Err(format!("{path}: HTTP {status}"));
            }
            serde_json::from_slice::<serde_json::Value>(&bytes).map_err(|e| format!("{path}: {e}"))
        }
    };
    let schema = get(
        "docs/?format=openapi".to_string(),
        "application/openapi+json",
    )
    .await?;
    let mut operations = ServerOperations::from_schema(&schema)?;
    let root = get("api/".to_string(), "application/json").await?;
    operations.add_api_root(&root)?;
    Ok(operations)
}

/// One list call, not yet sent.
pub struct Call {
    pub op: &'static str,
    pub path: &'static str,
    future: Pin<Box<dyn Future<Output = Result<(usize, Vec<Finding>), api::Error>> + Send>>,
}

/// A list call that reports how many items it got and what in them the spec did not promise.
pub fn list_call<T: Inspect + Send + 'static>(
    op: &'static str,
    path: &'static str,
    future: api::runtime::ResponseFuture<api::Page<T>>,
) -> Call {
    Call {
        op,
        path,
        future: Box::pin(async move {
            let page = future.await?;
            Ok((page.items.len(), findings(&page.items)))
        }),
    }
}

/// A list operation answering a JSON array without paging.
pub fn array_call<T: Inspect + Send + 'static>(
    op: &'static str,
    path: &'static str,
    future: api::runtime::ResponseFuture<Vec<T>>,
) -> Call {
    Call {
        op,
        path,
        future: Box::pin(async move {
            let items = future.await?;
            Ok((items.len(), findings(&items)))
        }),
    }
}

/// Runs a call on a task of its own (a panic is an outcome, not the end of the harness).
pub async fn run(call: Call, bodies: Arc<Bodies>) -> (&'static str, &'static str, Outcome) {
    let outcome = match tokio::spawn(call.future).await {
        Ok(Ok((items, findings))) => Outcome::Decoded { items, findings },
        Ok(Err(e)) => error_outcome(&e, bodies.is_json(call.op)),
        Err(e) => Outcome::Failed {
            cause: Cause::Panic,
            message: e.to_string(),
        },
    };
    (call.op, call.path, outcome)
}

/// The outcome of an error; `valid_json`: whether the 2xx body of a decode error was JSON.
pub fn error_outcome(e: &api::Error, valid_json: bool) -> Outcome {
    match e {
        api::Error::Status(status) => Outcome::Status {
            status: status.status,
            message: status
                .message()
                .unwrap_or_else(|| "(no message: the body is empty)".to_string()),
        },
        api::Error::Decode(_) => Outcome::Failed {
            cause: if valid_json {
                Cause::DecodeOfValidJson
            } else {
                Cause::NotJson
            },
            message: e.to_string(),
        },
        other => Outcome::Failed {
            cause: Cause::Other,
            message: other.to_string(),
        },
    }
}

/// The runtime's walk of a decoded value, as the report counts it.
pub fn findings<T: Inspect>(value: &T) -> Vec<Finding> {
    let mut at = api::runtime::Inspector::new();
    value.inspect(&mut at);
    at.into_findings()
        .into_iter()
        .map(|f| Finding {
            location: f.location(),
            kind: match f.kind {
                api::runtime::FindingKind::Invalid => FindingKind::InvalidValue,
                api::runtime::FindingKind::UnknownEnumValue => FindingKind::UnknownEnumValue,
                api::runtime::FindingKind::Undocumented => FindingKind::UndocumentedKey,
            },
            raw: f.raw,
        })
        .collect()
}
