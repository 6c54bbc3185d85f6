//! The memory a decoded body takes, measured: peak RSS while decoding 30 MiB bodies whose
//! free-form (`any`) field holds either many tiny objects or plain text. Linux only (it reads
//! `/proc/self/status`); each measurement runs in a child process of its own, this test binary
//! started again for that one test, so that nothing else runs beside it.

use std::process::Command;

use bytes::Bytes;
use reqwest::{Method, Url};
use waldur_client_runtime::limits::{DECODE_MEMORY_RATIO, decode_memory_limit};
use waldur_client_runtime::{ApiResponse, Error, Extra, FieldState, Lenient, LenientModel};

const MIB: usize = 1 << 20;
const BODY: usize = 30 * MIB;
/// Set in the child: which body it decodes.
const CHILD_VAR: &str = "WALDUR_MEMORY_TEST_BODY";

/// A volume with its free-form `metadata`, as generated models hold `any` fields.
#[derive(Debug, Default)]
struct Volume {
    metadata: Lenient<serde_json::Value>,
    extra: Extra,
}

impl LenientModel for Volume {
    const NAME: &'static str = "Volume";
    fn decode_field(&mut self, key: &str, value: &str) -> Result<bool, String> {
        match key {
            "metadata" => self.metadata = waldur_client_runtime::lenient::from_raw(value)?,
            _ => return Ok(false),
        }
        Ok(true)
    }
    fn extra_mut(&mut self) -> &mut Extra {
        &mut self.extra
    }
    fn extra(&self) -> &Extra {
        &self.extra
    }
    fn visit_fields(&self, f: &mut dyn FnMut(&'static str, &dyn FieldState)) {
        f("metadata", &self.metadata);
    }
}

impl<'de> serde::Deserialize<'de> for Volume {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        waldur_client_runtime::deserialize_model(d)
    }
}

/// `{"metadata": [<item>,<item>,...]}` of exactly `BODY` bytes (the last item padded with
/// spaces).
fn body_of(item: &str) -> String {
    let (head, tail) = ("{\"metadata\": [", "]}");
    let n = (BODY - head.len() - tail.len() + 1) / (item.len() + 1);
    let mut body = String::with_capacity(BODY);
    body.push_str(head);
    for i in 0..n {
        if i > 0 {
            body.push(',');
        }
        body.push_str(item);
    }
    while body.len() < BODY - tail.len() {
        body.push(' ');
    }
    body.push_str(tail);
    assert_eq!(body.len(), BODY);
    body
}

fn response(body: String) -> ApiResponse {
    ApiResponse {
        status: 200,
        headers: Default::default(),
        body: Bytes::from(body),
        method: Method::GET,
        url: Url::parse("https://waldur.example.com/api/openstack-volumes/x/").unwrap(),
    }
}

/// `VmRSS` or `VmHWM` (peak RSS) of this process, in bytes.
fn status_bytes(field: &str) -> usize {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status
        .lines()
        .find(|l| l.starts_with(field))
        .unwrap_or_else(|| panic!("no {field} in /proc/self/status"));
    let kb: usize = line[field.len() + 1..]
        .trim()
        .trim_end_matches(" kB")
        .parse()
        .expect("a number of kB");
    kb * 1024
}

/// The child's part: decodes one body and prints the growth of peak RSS over the RSS before
/// decoding (the body already in memory), and the outcome.
fn child(kind: &str) {
    let item = match kind {
        // 7 bytes per object; as `serde_json::Value`s, without a budget, ~670 bytes each.
        "tiny-objects" => r#"{"":0}"#.to_owned(),
        // Plain text: about its own size in memory.
        "text" => format!("\"{}\"", "a".repeat(1000)),
        other => panic!("unknown body {other}"),
    };
    let resp = response(body_of(&item));
    // Resets VmHWM to the current RSS (Linux 4.0+), so that building the body does not count.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before = status_bytes("VmRSS:");
    let result = resp.decode::<Volume>();
    let peak = status_bytes("VmHWM:");
    let grown = peak.saturating_sub(before);
    let outcome = match &result {
        Ok(v) => format!(
            "decoded {} items",
            v.metadata
                .get()
                .and_then(|m| m.as_array())
                .map_or(0, Vec::len)
        ),
        Err(Error::Decode(d)) => format!("decode error at {}: {}", d.path, d.message),
        Err(e) => format!("error: {e}"),
    };
    println!(
        "MEASURED {kind}: peak RSS grew {:.1} MiB = {:.1} x the body of {} MiB; {outcome}",
        grown as f64 / MIB as f64,
        grown as f64 / BODY as f64,
        BODY / MIB
    );
    assert!(
        grown <= DECODE_MEMORY_RATIO * BODY,
        "peak RSS grew {grown} bytes, over {DECODE_MEMORY_RATIO} x the body ({})",
        DECODE_MEMORY_RATIO * BODY
    );
    match kind {
        "tiny-objects" => {
            let Err(Error::Decode(d)) = &result else {
                panic!("{outcome}")
            };
            assert_eq!(d.path, "metadata");
            assert_eq!(
                d.message,
                format!(
                    "the decoded response would take more than {} bytes of memory (16 times \
                     the body, at least 16777216); it was refused instead at line 1 column {}",
                    decode_memory_limit(BODY),
                    // The end of the field: its text is scanned whole before it is decoded.
                    BODY
                )
            );
        }
        _ => {
            let volume = result.expect("plain text decodes");
            let items = volume.metadata.get().and_then(|m| m.as_array()).unwrap();
            assert_eq!(items.len(), 31363);
            assert_eq!(items[0].as_str().map(str::len), Some(1000));
        }
    }
}

/// Runs `test` of this binary in a child with `kind`, and returns what it printed.
fn run_child(test: &str, kind: &str) -> String {
    let out = Command::new(std::env::current_exe().expect("test binary"))
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_VAR, kind)
        .output()
        .expect("run the child");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "child failed:\n{stdout}\n{stderr}");
    // libtest prints the test's name on the same line, before its output.
    let measured = stdout
        .lines()
        .find_map(|l| l.find("MEASURED").map(|at| l[at..].to_owned()))
        .unwrap_or_else(|| panic!("the child measured nothing:\n{stdout}\n{stderr}"));
    println!("{measured}");
    measured
}

/// A free-form field whose 30 MiB of `[{"":0},...]` would take 97 x the body as
/// `serde_json::Value`s is refused with the budget error, and peak RSS stays within 16 x the
/// body; 30 MiB of plain text in the same field decodes, within the same bound.
#[test]
fn free_form_fields_decode_within_16_times_the_body_at_30_mib() {
    const NAME: &str = "free_form_fields_decode_within_16_times_the_body_at_30_mib";
    if let Ok(kind) = std::env::var(CHILD_VAR) {
        child(&kind);
        return;
    }
    if !cfg!(target_os = "linux") {
        println!("skipped: peak RSS is read from /proc/self/status, which only Linux has");
        return;
    }
    let tiny = run_child(NAME, "tiny-objects");
    assert!(tiny.contains("; decode error at metadata: "), "{tiny}");
    let text = run_child(NAME, "text");
    assert!(text.contains("; decoded 31363 items"), "{text}");
}

/// `{"":0}` repeated: ~670 bytes each as `Value`s, for 7 bytes of JSON.
fn tiny_objects(n: usize) -> String {
    let mut out = String::from("[");
    for i in 0..n {
        if i > 0 {
            out.push(',');
        }
        out.push_str(r#"{"":0}"#);
    }
    out.push(']');
    out
}

fn budget_message(body_len: usize) -> String {
    format!(
        "the decoded response would take more than {} bytes of memory (16 times the body, at \
         least 16777216); it was refused instead",
        decode_memory_limit(body_len)
    )
}

#[test]
fn free_form_values_decode_as_serde_json_decodes_them() {
    // Budgeted decoding builds the same values: every kind, escapes, nesting, duplicate keys
    // (the last wins), numbers of each representation, and the key serde_json's
    // `arbitrary_precision` uses for numbers, which without that feature is a plain key.
    let text = r#"{"s": "a\"b\u00e9\n", "e": "", "i": -5, "u": 18446744073709551615,
        "f": 1.5e3, "t": true, "n": null, "a": [1, [], {}, [[["deep"]]], "x"],
        "o": {"k": {"": 0}, "k2": [null, false]}, "dup": 1, "dup": 2,
        "p": {"$serde_json::private::Number": "12"},
        "many": {"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10,"k":11,"l":12}}"#;
    let expected: serde_json::Value = serde_json::from_str(text).unwrap();
    let body = format!(r#"{{"metadata": {text}}}"#);
    let volume = response(body.clone()).decode::<Volume>().unwrap();
    assert_eq!(volume.metadata.get(), Some(&expected));
    assert_eq!(response(text.to_owned()).decode_value().unwrap(), expected);
}

#[test]
fn free_form_fields_and_bodies_are_charged_against_the_decode_budget() {
    // 2 MiB: a budget of 32 MiB, for what would take ~190 MB as `Value`s.
    let tiny = tiny_objects(300_000);
    let body = format!(r#"{{"metadata": {tiny}}}"#);
    let Err(Error::Decode(d)) = response(body.clone()).decode::<Volume>() else {
        panic!("the field was decoded")
    };
    assert_eq!((d.path.as_str(), d.status), ("metadata", 200));
    assert_eq!(
        d.message,
        format!(
            "{} at line 1 column {}",
            budget_message(body.len()),
            // The end of the field: its text is scanned whole before it is decoded.
            body.len()
        )
    );

    // A body documented as any JSON value. Where it stops depends on the size of serde_json's
    // map, which another crate of the build can change (`preserve_order`): the item and column
    // are checked for form, the message exactly.
    let Err(Error::Decode(d)) = response(tiny.clone()).decode_value() else {
        panic!("the body was decoded")
    };
    let item: usize = d
        .path
        .strip_prefix('[')
        .and_then(|p| p.strip_suffix(']'))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("path {:?}", d.path));
    assert!(item > 1000 && item < 300_000, "{item}");
    let (message, column) = d
        .message
        .split_once(" at line 1 column ")
        .unwrap_or_else(|| panic!("{}", d.message));
    assert_eq!(message, budget_message(tiny.len()));
    assert!(
        column
            .parse::<usize>()
            .is_ok_and(|c| c > item && c < tiny.len())
    );

    // A page of items documented as any JSON value (`Page<serde_json::Value>`): one item
    // holding the tiny objects, stopped inside it.
    let page = format!("[{tiny}]");
    let Err(Error::Decode(d)) =
        waldur_client_runtime::Page::<serde_json::Value>::from_response(&response(page), 1, 300)
    else {
        panic!("the page was decoded")
    };
    let item: usize = d
        .path
        .strip_prefix("[0][")
        .and_then(|p| p.strip_suffix(']'))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("path {:?}", d.path));
    assert!(item > 1000 && item < 300_000, "{item}");
    assert!(
        d.message.starts_with(&budget_message(tiny.len() + 2)),
        "{}",
        d.message
    );

    // An action's answer (`Accepted`).
    let Err(Error::Decode(d)) =
        waldur_client_runtime::Accepted::try_from_response(&response(tiny.clone()))
    else {
        panic!("the body was decoded")
    };
    assert_eq!(
        (d.path.as_str(), d.message),
        (".", budget_message(tiny.len()))
    );

    // NDJSON: the budget is the whole body's, across lines.
    let lines = tiny.replace("},{", "}\n{");
    let lines = &lines[1..lines.len() - 1];
    let Err(Error::Decode(d)) = response(lines.to_owned()).ndjson() else {
        panic!("the body was decoded")
    };
    let line: usize = d
        .path
        .strip_prefix("line ")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("path {:?}", d.path));
    assert!(line > 1000 && line < 300_000, "{line}");
    assert_eq!(
        d.message,
        format!("{} at line 1 column 3", budget_message(lines.len()))
    );

    // Realistic free-form values fit easily: a page's worth of metadata.
    let small = r#"{"tenant": "t-1", "tags": ["a", "b"], "limits": {"cores": 4}}"#;
    let body = format!(r#"{{"metadata": {small}}}"#);
    let volume = response(body).decode::<Volume>().unwrap();
    assert_eq!(
        volume.metadata.get(),
        Some(&serde_json::from_str(small).unwrap())
    );
    let page = format!("[{}]", vec![small; 300].join(","));
    assert_eq!(
        response(page.clone())
            .decode_value()
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        300
    );
    let items =
        waldur_client_runtime::Page::<serde_json::Value>::from_response(&response(page), 1, 300)
            .unwrap()
            .items;
    assert_eq!(
        items,
        vec![serde_json::from_str::<serde_json::Value>(small).unwrap(); 300]
    );
}
