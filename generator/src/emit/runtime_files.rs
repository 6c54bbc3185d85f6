//! The hand-written runtime (`generator/runtime/src`), embedded so that every generated crate
//! carries its own copy and depends on nothing of ours. Its `lib.rs` becomes `runtime/mod.rs`.

/// `(file name in src/runtime/, source text)`, in a fixed order.
pub fn files() -> Vec<(&'static str, &'static str)> {
    vec![
        ("mod.rs", include_str!("../../runtime/src/lib.rs")),
        ("blocking.rs", include_str!("../../runtime/src/blocking.rs")),
        ("body.rs", include_str!("../../runtime/src/body.rs")),
        ("call.rs", include_str!("../../runtime/src/call.rs")),
        ("client.rs", include_str!("../../runtime/src/client.rs")),
        ("env.rs", include_str!("../../runtime/src/env.rs")),
        ("error.rs", include_str!("../../runtime/src/error.rs")),
        ("hooks.rs", include_str!("../../runtime/src/hooks.rs")),
        ("inspect.rs", include_str!("../../runtime/src/inspect.rs")),
        ("lenient.rs", include_str!("../../runtime/src/lenient.rs")),
        ("limits.rs", include_str!("../../runtime/src/limits.rs")),
        ("mock.rs", include_str!("../../runtime/src/mock.rs")),
        ("mock_ops.rs", include_str!("../../runtime/src/mock_ops.rs")),
        ("model.rs", include_str!("../../runtime/src/model.rs")),
        ("nullable.rs", include_str!("../../runtime/src/nullable.rs")),
        (
            "pagination.rs",
            include_str!("../../runtime/src/pagination.rs"),
        ),
        ("raw.rs", include_str!("../../runtime/src/raw.rs")),
        ("redirect.rs", include_str!("../../runtime/src/redirect.rs")),
        ("request.rs", include_str!("../../runtime/src/request.rs")),
        ("response.rs", include_str!("../../runtime/src/response.rs")),
        ("retry.rs", include_str!("../../runtime/src/retry.rs")),
        ("scalars.rs", include_str!("../../runtime/src/scalars.rs")),
        ("support.rs", include_str!("../../runtime/src/support.rs")),
        ("trace.rs", include_str!("../../runtime/src/trace.rs")),
        ("wait.rs", include_str!("../../runtime/src/wait.rs")),
    ]
}

/// The runtime's `Cargo.toml`: its `[dependencies]` and `[features]` become the generated
/// crate's, so the two can never disagree.
pub const CARGO_TOML: &str = include_str!("../../runtime/Cargo.toml");

#[cfg(test)]
mod tests {
    #[test]
    fn embeds_every_runtime_file() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/runtime/src");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                e.unwrap()
                    .file_name()
                    .to_string_lossy()
                    .replace("lib.rs", "mod.rs")
            })
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> = super::files().iter().map(|(n, _)| n.to_string()).collect();
        embedded.sort();
        assert_eq!(
            embedded, on_disk,
            "update emit/runtime_files.rs when runtime files change"
        );
    }
}
