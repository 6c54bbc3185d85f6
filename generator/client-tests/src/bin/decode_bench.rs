//! Decode benchmark: one 300-item page of volumes, decoded into the generated models (typed
//! fields: `uuid::Uuid` for the six UUID fields, `DateTime<FixedOffset>` for `created` and
//! `modified`, integers, booleans) and into `serde_json::Value`, with both throughputs and their
//! ratio (target: typed >= 1.5x Value).
//!
//! The volumes are the recorded ones (`<shared>/recordings/*.yaml`, responses of
//! `GET /api/openstack-volumes/...`), cycled to 300 items with distinct `uuid`, `url` and
//! `name`. The page is serialised once; each round decodes the same bytes. Before timing, the
//! typed decode is checked: every UUID and date-time field typed (none invalid), no
//! undocumented key, and encoding it again gives the same JSON (UUIDs and date-times in the
//! spelling they arrived in).
//!
//! The volume models have no decimal field, so a second page, of the fixture crate's `Thing`
//! (`fixture_things`: UUID, decimal as string and as number, date-time, date, string and
//! integer enums, tags, owner), is timed the same way.
//!
//! It also decodes through the runtime's own path (`Page::from_response`: one UTF-8 check,
//! bounded item count, decode memory budget) and reports memory: bytes per item decoded from
//! `{}`, and the peak resident memory while decoding a maximal page (300 volumes filling the
//! default 32 MiB body limit) and a hostile one (32 MiB of `{}` items), measured with
//! `/proc/self/status` (`VmHWM`, reset through `/proc/self/clear_refs`; Linux only).
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

use serde_json::{Value, json};
use waldur_client::models::OpenStackVolume;
use waldur_client::runtime::{ApiResponse, LenientModel, Page};

const PAGE_ITEMS: usize = 300;
const WARM_UP_ROUNDS: usize = 5;
const DEFAULT_ROUNDS: usize = 100;

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
            "--probe" => {
                let file = it.next().ok_or("--probe needs a file")?;
                probe(&file)?;
                std::process::exit(0);
            }
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

/// Finishes, untimed, the freeing of the result just dropped. glibc's malloc defers merging
/// the small blocks a drop frees until the next request of 1 KiB or more; the next decoder's
/// first such request (its output growing) then did that work inside its timed region. With
/// the decoders alternating, each was timed for merging the blocks the other one had freed:
/// the typed decode (a few blocks per item, for its strings) for the thirty or so per item a
/// `Value` frees (keys, strings, map nodes). One large allocation here does the merging now.
fn settle_heap() {
    drop(black_box(Vec::<u8>::with_capacity(4096)));
}

/// One timed decode, and whether it succeeded: the result is dropped, and the heap settled,
/// after the clock stops.
fn decode_once<T, E>(decode: impl FnOnce() -> Result<T, E>) -> (Duration, bool) {
    let start = Instant::now();
    let out = decode();
    let elapsed = start.elapsed();
    let ok = black_box(&out).is_ok();
    drop(out);
    settle_heap();
    (elapsed, ok)
}

/// The median times of the typed, `Value` and runtime page decodes, `round` running each once.
///
/// Rounds alternate between the decoders so that drift in machine load hits all of them.
/// Each result is dropped, untimed, before the next decoder runs: every decoder starts from
/// the same heap, the way a caller decodes a page, uses it and drops it. (Keeping all three
/// alive made each decode fault in fresh pages, and the figures then measured the kernel's
/// page faults as much as the decoders.) The drop's work is finished untimed too (see
/// `settle_heap`).
fn time_rounds(
    rounds: usize,
    what: &str,
    mut round: impl FnMut() -> [(Duration, bool); 3],
) -> Result<[Duration; 3], String> {
    let mut times: [Vec<Duration>; 3] = Default::default();
    for number in 0..WARM_UP_ROUNDS + rounds {
        let results = round();
        if results.iter().any(|(_, ok)| !ok) {
            return Err(format!("{what} round {number}: decoding failed"));
        }
        if number >= WARM_UP_ROUNDS {
            for (all, (time, _)) in times.iter_mut().zip(results) {
                all.push(time);
            }
        }
    }
    Ok(times.map(|mut all| median(&mut all)))
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
    let typed_scalars = check_typed_volumes(&typed)?;

    let response = list_response(bytes.clone());
    let [typed, value, runtime] = time_rounds(args.rounds, "volumes", || {
        [
            decode_once(|| serde_json::from_slice::<Vec<OpenStackVolume>>(black_box(&bytes))),
            decode_once(|| serde_json::from_slice::<Value>(black_box(&bytes))),
            decode_once(|| Page::<OpenStackVolume>::from_response(black_box(&response), 1, 300)),
        ]
    })?
    .map(|t| figures(t, bytes.len()));
    let ratio = value.per_page.as_secs_f64() / typed.per_page.as_secs_f64().max(f64::MIN_POSITIVE);

    println!(
        "decode-bench: {PAGE_ITEMS} volumes cycled from {} recorded ({} bytes, {unknown_keys} \
         unknown keys kept, {typed_scalars}), median of {} rounds after {WARM_UP_ROUNDS} warm-up",
        recorded.len(),
        bytes.len(),
        args.rounds
    );
    for (label, f) in [
        ("Vec<OpenStackVolume>", &typed),
        ("Page::from_response ", &runtime),
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
        "  ratio typed/Value speed: {ratio:.2} (target >= 1.50: {}); typed decode re-encodes \
         to the same JSON",
        if ratio >= 1.5 { "met" } else { "NOT met" }
    );
    let runtime_ratio =
        value.per_page.as_secs_f64() / runtime.per_page.as_secs_f64().max(f64::MIN_POSITIVE);
    println!(
        "  ratio runtime page decode/Value speed: {runtime_ratio:.2} (target >= 1.50: {})",
        if runtime_ratio >= 1.5 {
            "met"
        } else {
            "NOT met"
        }
    );
    things_figures(args.rounds)?;
    memory_figures(&recorded)
}

/// Every volume has its UUID and date-time fields typed (none invalid, none undocumented);
/// returns how many typed UUIDs and date-times the page holds, for the report.
fn check_typed_volumes(volumes: &[OpenStackVolume]) -> Result<String, String> {
    let mut uuids = 0;
    let mut date_times = 0;
    for (i, v) in volumes.iter().enumerate() {
        if !v.is_as_documented() {
            return Err(format!(
                "item {i} is not as documented: invalid {:?}, undocumented {:?}",
                v.invalid_fields(),
                v.extra_keys()
            ));
        }
        uuids += [
            v.uuid(),
            v.service_settings_uuid(),
            v.project_uuid(),
            v.customer_uuid(),
            v.tenant_uuid(),
            v.instance_marketplace_uuid(),
        ]
        .iter()
        .flatten()
        .count();
        date_times += [v.created(), v.modified()].iter().flatten().count();
    }
    if uuids == 0 || date_times == 0 {
        return Err("the recorded volumes hold no typed UUID or date-time".to_string());
    }
    Ok(format!("{uuids} typed UUIDs and {date_times} date-times"))
}

/// A page of 300 fixture `Thing`s with every kind of typed scalar: decimals as strings and as
/// numbers, date-times with `Z` and with an offset, dates, string and integer enums (the blank
/// value included), UUIDs, a list and a nested model.
fn things_page() -> Value {
    let items = (0..PAGE_ITEMS)
        .map(|i| {
            let state = ["OK", "Erred", "Creating", "-created"][i % 4];
            let kind = ["small", "large", ""][i % 3];
            json!({
                "uuid": format!("{:032x}", 0x7e57_0000_u64 + i as u64),
                "state": state,
                "level": 1 + i % 3,
                "size": 1024 * i,
                "price": format!("{}.{:02}", i, i % 100),
                "ratio": 0.25 * (i % 8) as f64,
                "created": format!("2024-01-{:02}T03:04:05.{:06}+02:00", 1 + i % 28, i),
                "day": format!("2024-02-{:02}", 1 + i % 28),
                "tags": ["a", "b"],
                "owner": {"name": format!("owner {i}")},
                "type": "box",
                "kind": kind,
                "url": format!("http://127.0.0.1:8000/api/things/{i}/"),
            })
        })
        .collect();
    Value::Array(items)
}

fn things_figures(rounds: usize) -> Result<(), String> {
    use fixture_things::models::Thing;
    let page = things_page();
    let bytes = serde_json::to_vec(&page).map_err(|e| format!("cannot encode: {e}"))?;
    let typed: Vec<Thing> = serde_json::from_slice(&bytes)
        .map_err(|e| format!("the page does not decode into Vec<Thing>: {e}"))?;
    for (i, t) in typed.iter().enumerate() {
        if !fixture_things::runtime::LenientModel::is_as_documented(t)
            || t.price().is_none()
            || t.ratio().is_none()
            || t.created().is_none()
            || t.day().is_none()
            || t.uuid().is_none()
        {
            return Err(format!("thing {i} is not fully typed: {t:?}"));
        }
    }
    let again = serde_json::to_value(&typed).map_err(|e| format!("cannot re-encode: {e}"))?;
    if again != page {
        return Err("the typed Thing page does not encode back to the same JSON".to_string());
    }
    let response = list_response(bytes.clone());
    let [typed, value, runtime] = time_rounds(rounds, "things", || {
        [
            decode_once(|| serde_json::from_slice::<Vec<Thing>>(black_box(&bytes))),
            decode_once(|| serde_json::from_slice::<Value>(black_box(&bytes))),
            decode_once(|| {
                fixture_things::Page::<Thing>::from_response(black_box(&response), 1, 300)
                    .ok()
                    .filter(|p| p.items.len() == PAGE_ITEMS)
                    .ok_or(())
            }),
        ]
    })?
    .map(|t| figures(t, bytes.len()));
    println!(
        "things: {PAGE_ITEMS} fixture Things ({} bytes; UUID, 2 decimals, date-time, date, 3 \
         enums typed)",
        bytes.len()
    );
    for (label, f) in [
        ("Vec<Thing>          ", &typed),
        ("Page::from_response ", &runtime),
        ("serde_json::Value   ", &value),
    ] {
        println!(
            "  {label}  {:>8.3} ms/page  {:>7.1} MB/s  {:>9.0} items/s",
            f.per_page.as_secs_f64() * 1e3,
            f.mb_per_s,
            f.items_per_s
        );
    }
    let ratio = value.per_page.as_secs_f64() / typed.per_page.as_secs_f64().max(f64::MIN_POSITIVE);
    println!(
        "  ratio typed/Value speed: {ratio:.2} (target >= 1.20: {})",
        if ratio >= 1.2 { "met" } else { "NOT met" }
    );
    let runtime_ratio =
        value.per_page.as_secs_f64() / runtime.per_page.as_secs_f64().max(f64::MIN_POSITIVE);
    println!(
        "  ratio runtime page decode/Value speed: {runtime_ratio:.2} (target >= 1.20: {})",
        if runtime_ratio >= 1.2 {
            "met"
        } else {
            "NOT met"
        }
    );
    Ok(())
}

/// A 200 answer to `GET /api/openstack-volumes/?page=1&page_size=300` with `body`.
fn list_response(body: Vec<u8>) -> ApiResponse {
    ApiResponse {
        status: 200,
        headers: Default::default(),
        body: body.into(),
        method: reqwest::Method::GET,
        url: reqwest::Url::parse("http://127.0.0.1/api/openstack-volumes/?page=1&page_size=300")
            .expect("static URL"),
    }
}

fn status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Child-process side of a memory probe: reads the body from `file`, then decodes it as page 1
/// of size 300 and prints `<peak KiB above the body> <items or error>`. A fresh process has no
/// freed memory for the decode to reuse, so the high-water mark shows what decoding costs.
fn probe(file: &str) -> Result<(), String> {
    let body = std::fs::read(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    let response = list_response(body);
    let before = status_kb("VmRSS:").ok_or("no /proc/self/status")?;
    let result = Page::<OpenStackVolume>::from_response(&response, 1, 300);
    let peak = status_kb("VmHWM:").ok_or("no /proc/self/status")?;
    let outcome = match &result {
        Ok(page) => format!("{} items", page.items.len()),
        Err(e) => e.to_string().split(';').next().unwrap_or("").to_string(),
    };
    println!("{} {outcome}", peak.saturating_sub(before));
    Ok(())
}

/// Runs [`probe`] on `body` in a child process: peak MB above the body, and the outcome.
fn peak_in_child(body: &[u8], name: &str) -> Result<(Option<f64>, String), String> {
    let file =
        std::env::temp_dir().join(format!("decode-bench-{}-{name}.json", std::process::id()));
    std::fs::write(&file, body).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let output = std::process::Command::new(exe)
        .arg("--probe")
        .arg(&file)
        .output()
        .map_err(|e| format!("cannot run the probe: {e}"));
    let _ = std::fs::remove_file(&file);
    let output = output?;
    let text = String::from_utf8_lossy(&output.stdout).trim().to_string();
    if !output.status.success() {
        return Ok((
            None,
            String::from_utf8_lossy(&output.stderr).trim().to_string(),
        ));
    }
    let (kb, outcome) = text.split_once(' ').unwrap_or((&text, ""));
    Ok((
        kb.parse::<f64>().ok().map(|kb| kb / 1024.0),
        outcome.to_string(),
    ))
}

fn mb(v: Option<f64>) -> String {
    v.map_or("n/a (needs /proc/self/status)".to_string(), |v| {
        format!("{v:.1} MB")
    })
}

fn memory_figures(recorded: &[Value]) -> Result<(), String> {
    let limit = waldur_client::runtime::DEFAULT_MAX_RESPONSE_BYTES as usize;
    let empty: OpenStackVolume =
        serde_json::from_str("{}").map_err(|e| format!("cannot decode {{}}: {e}"))?;
    println!(
        "memory: OpenStackVolume decoded from {{}}: {} bytes per item (struct only, nothing on \
         the heap; Lenient<String> {} bytes, Lenient<i64> {}, Lenient<bool> {}, Lenient<Value> {})",
        std::mem::size_of_val(&empty),
        std::mem::size_of::<waldur_client::Lenient<String>>(),
        std::mem::size_of::<waldur_client::Lenient<i64>>(),
        std::mem::size_of::<waldur_client::Lenient<bool>>(),
        std::mem::size_of::<waldur_client::Lenient<Value>>(),
    );

    // A maximal page: 300 recorded volumes, each padded with a long description so that the
    // body just fits the default limit.
    let base = page_of(recorded);
    let base_len = serde_json::to_vec(&base).map_err(|e| e.to_string())?.len();
    let pad = (limit - base_len - 64 * PAGE_ITEMS) / PAGE_ITEMS;
    let mut page = base;
    if let Value::Array(items) = &mut page {
        for item in items.iter_mut() {
            item["description"] = Value::String("d".repeat(pad));
        }
    }
    let body = serde_json::to_vec(&page).map_err(|e| e.to_string())?;
    drop(page);
    let (peak, outcome) = peak_in_child(&body, "maximal")?;
    println!(
        "  maximal page: {} bytes (limit {limit}) -> {outcome}: peak while decoding {} above \
         the body",
        body.len(),
        mb(peak)
    );
    drop(body);

    // A hostile page at the limit: 32 MiB of `{}` (11 million items); refused at item 301.
    let mut tiny = String::with_capacity(limit);
    tiny.push('[');
    while tiny.len() + 4 < limit {
        tiny.push_str("{},");
    }
    tiny.push_str("{}]");
    let started = Instant::now();
    let (peak, outcome) = peak_in_child(tiny.as_bytes(), "tiny")?;
    println!(
        "  hostile page: {} bytes of {{}} items -> {outcome}: peak {} above the body (probe \
         process done in {:.0} ms)",
        tiny.len(),
        mb(peak),
        started.elapsed().as_secs_f64() * 1e3
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
