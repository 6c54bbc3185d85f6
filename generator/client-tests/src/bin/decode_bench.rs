//! Decode benchmark: one 300-item page of volumes, decoded into the generated models and into
//! `serde_json::Value`, with both throughputs and their ratio (target: typed >= Value).
//!
//! The volumes are the recorded ones (`<shared>/recordings/*.yaml`, responses of
//! `GET /api/openstack-volumes/...`), cycled to 300 items with distinct `uuid`, `url` and
//! `name`. The page is serialised once; each round decodes the same bytes. Before timing, the
//! typed decode is checked to encode back to the same JSON.
//!
//! ```text
//! cargo run --release -p waldur-client-tests --bin decode-bench [-- [--rounds N] [SHARED_DIR]]
//! ```
//! Without `SHARED_DIR` the shared directory is found as the tests find it (`$WALDUR_SHARED`
//! or `../shared` next to the workspace).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use serde_json::Value;
use waldur_client::models::OpenStackVolume;

const PAGE_ITEMS: usize = 300;
const WARM_UP_ROUNDS: usize = 5;
const DEFAULT_ROUNDS: usize = 30;

struct Args {
    rounds: usize,
    shared: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        rounds: DEFAULT_ROUNDS,
        shared: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--rounds" => {
                let n = it.next().ok_or("--rounds needs a number")?;
                args.rounds = n
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("--rounds {n:?}: expected a positive integer"))?;
            }
            "-h" | "--help" => {
                return Err("usage: decode-bench [--rounds N] [SHARED_DIR]".to_string());
            }
            _ if args.shared.is_none() && !arg.starts_with('-') => {
                args.shared = Some(PathBuf::from(arg))
            }
            _ => return Err(format!("unexpected argument {arg:?}")),
        }
    }
    Ok(args)
}

/// Distinct volume objects answered to `GET /api/openstack-volumes/...` in the cassettes,
/// in file order.
fn recorded_volumes(recordings: &Path) -> Result<Vec<Value>, String> {
    let read_dir = std::fs::read_dir(recordings)
        .map_err(|e| format!("cannot list {}: {e}", recordings.display()))?;
    let mut files = Vec::new();
    for entry in read_dir {
        let path = entry
            .map_err(|e| format!("cannot list {}: {e}", recordings.display()))?
            .path();
        if path.extension().is_some_and(|e| e == "yaml") {
            files.push(path);
        }
    }
    files.sort();
    let mut out: Vec<Value> = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        let doc: serde_yaml::Value = serde_yaml::from_str(&text)
            .map_err(|e| format!("{}: not a YAML cassette: {e}", file.display()))?;
        let Some(interactions) = doc.get("interactions").and_then(|i| i.as_sequence()) else {
            return Err(format!("{}: no `interactions` list", file.display()));
        };
        for (index, interaction) in interactions.iter().enumerate() {
            let request = &interaction["request"];
            let response = &interaction["response"];
            let uri = request["uri"].as_str().unwrap_or("");
            let is_volume_get = request["method"].as_str() == Some("GET")
                && uri_path(uri).starts_with("/api/openstack-volumes/")
                && response["status"]["code"].as_u64() == Some(200);
            if !is_volume_get {
                continue;
            }
            let body = response["body"]["string"].as_str().unwrap_or("");
            let value: Value = serde_json::from_str(body).map_err(|e| {
                format!(
                    "{}: interaction {index} ({uri}): body is not JSON: {e}",
                    file.display()
                )
            })?;
            let objects = match value {
                Value::Array(items) => items,
                object @ Value::Object(_) => vec![object],
                _ => continue,
            };
            for object in objects.into_iter().filter(Value::is_object) {
                if !out.contains(&object) {
                    out.push(object);
                }
            }
        }
    }
    if out.is_empty() {
        return Err(format!(
            "no GET /api/openstack-volumes/ responses in {}",
            recordings.display()
        ));
    }
    Ok(out)
}

/// The path of an absolute URI (`http://h:1/api/x/?q` -> `/api/x/`).
fn uri_path(uri: &str) -> &str {
    let after_scheme = uri.split_once("://").map_or(uri, |(_, rest)| rest);
    let path = after_scheme
        .find('/')
        .map_or("", |start| &after_scheme[start..]);
    path.split(['?', '#']).next().unwrap_or(path)
}

/// `PAGE_ITEMS` volumes cycling through `recorded`, each with its own uuid, url and name.
fn page_of(recorded: &[Value]) -> Value {
    let items = (0..PAGE_ITEMS)
        .map(|i| {
            let mut v = recorded[i % recorded.len()].clone();
            let uuid = format!("{:032x}", 0x5eed_0000_u64 + i as u64);
            let old_uuid = v["uuid"].as_str().unwrap_or("").to_string();
            if let Some(url) = v["url"].as_str().filter(|_| !old_uuid.is_empty()) {
                v["url"] = Value::String(url.replace(&old_uuid, &uuid));
            }
            let name = v["name"].as_str().unwrap_or("volume");
            v["name"] = Value::String(format!("{name} #{i}"));
            v["uuid"] = Value::String(uuid);
            v
        })
        .collect();
    Value::Array(items)
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

struct Figures {
    per_page: Duration,
    mb_per_s: f64,
    items_per_s: f64,
}

fn figures(per_page: Duration, bytes: usize) -> Figures {
    let secs = per_page.as_secs_f64().max(f64::MIN_POSITIVE);
    Figures {
        per_page,
        mb_per_s: bytes as f64 / secs / 1e6,
        items_per_s: PAGE_ITEMS as f64 / secs,
    }
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    let shared = match args.shared {
        Some(dir) => dir,
        None => waldur_test_server::shared_dir("decode-bench")
            .ok_or("the shared directory was not found; pass it as an argument")?,
    };
    let recorded = recorded_volumes(&shared.join("recordings"))?;
    let page = page_of(&recorded);
    let bytes = serde_json::to_vec(&page).map_err(|e| format!("cannot encode the page: {e}"))?;

    // The typed decode must lose nothing: encoding it again gives the same JSON.
    let typed: Vec<OpenStackVolume> = serde_json::from_slice(&bytes)
        .map_err(|e| format!("the page does not decode into Vec<OpenStackVolume>: {e}"))?;
    let again = serde_json::to_value(&typed).map_err(|e| format!("cannot re-encode: {e}"))?;
    if again != page {
        return Err("the typed decode does not encode back to the same JSON".to_string());
    }
    let unknown_keys: usize = typed.iter().map(|v| v.extra.len()).sum();

    // Rounds alternate between the two decoders so that drift in machine load hits both.
    let mut typed_times = Vec::with_capacity(args.rounds);
    let mut value_times = Vec::with_capacity(args.rounds);
    for round in 0..WARM_UP_ROUNDS + args.rounds {
        let start = Instant::now();
        let typed: Result<Vec<OpenStackVolume>, _> = serde_json::from_slice(black_box(&bytes));
        let typed_time = start.elapsed();
        let start = Instant::now();
        let value: Result<Value, _> = serde_json::from_slice(black_box(&bytes));
        let value_time = start.elapsed();
        black_box((&typed, &value));
        if typed.is_err() || value.is_err() {
            return Err(format!("round {round}: decoding failed"));
        }
        // Dropping happens outside the timed regions for both.
        drop((typed, value));
        if round >= WARM_UP_ROUNDS {
            typed_times.push(typed_time);
            value_times.push(value_time);
        }
    }
    let typed = figures(median(&mut typed_times), bytes.len());
    let value = figures(median(&mut value_times), bytes.len());
    let ratio = value.per_page.as_secs_f64() / typed.per_page.as_secs_f64().max(f64::MIN_POSITIVE);

    println!(
        "decode-bench: {PAGE_ITEMS} volumes cycled from {} recorded ({} bytes, {unknown_keys} \
         unknown keys kept), median of {} rounds after {WARM_UP_ROUNDS} warm-up",
        recorded.len(),
        bytes.len(),
        args.rounds
    );
    for (label, f) in [
        ("Vec<OpenStackVolume>", &typed),
        ("serde_json::Value   ", &value),
    ] {
        println!(
            "  {label}  {:>8.3} ms/page  {:>7.1} MB/s  {:>9.0} items/s",
            f.per_page.as_secs_f64() * 1e3,
            f.mb_per_s,
            f.items_per_s
        );
    }
    println!(
        "  ratio typed/Value speed: {ratio:.2} (target >= 1.00: {}); typed decode re-encodes \
         to the same JSON",
        if ratio >= 1.0 { "met" } else { "NOT met" }
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("decode-bench: {message}");
            ExitCode::FAILURE
        }
    }
}
