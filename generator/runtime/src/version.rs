//! Which runtime a generated crate needs, checked when that crate compiles.
//!
//! A generated crate depends on this crate with a version requirement, and Cargo resolves a
//! compatible version. A `[patch]`, a path dependency or a vendored copy can still put another
//! runtime under it; then the generated crate's `const _: () = runtime::version::require(..)`
//! stops the build with one message naming both versions, instead of a wall of type errors.
//!
//! ```compile_fail,E0080
//! const _: () = waldur_client_runtime::version::require("my-client", 99, 0, 0);
//! ```

/// This runtime's version. A test keeps it equal to the crate's own (`Cargo.toml`); a vendored
/// copy keeps it too, so it names the runtime it was copied from.
pub const VERSION: &str = "0.2.0";

/// Fails the build when this runtime cannot serve a crate generated for runtime
/// `major.minor.patch` under Cargo's rules for `^major.minor.patch`: the same major version
/// (the same minor one below 1.0), and no older than required.
///
/// Call it in a `const` item so that it runs at compile time.
pub const fn require(krate: &str, major: u64, minor: u64, patch: u64) {
    if let Some(message) = mismatch(krate, major, minor, patch) {
        let (bytes, _) = message.bytes.split_at(message.len);
        match core::str::from_utf8(bytes) {
            Ok(text) => panic!("{}", text),
            Err(_) => panic!("the waldur-client-runtime in this build is not the one required"),
        }
    }
}

/// Why this runtime cannot serve a crate generated for `major.minor.patch`, or `None` when it
/// can.
pub const fn mismatch(krate: &str, major: u64, minor: u64, patch: u64) -> Option<Message> {
    let (have_major, have_minor, have_patch) = parse(VERSION);
    let compatible = if major > 0 {
        have_major == major && (have_minor > minor || (have_minor == minor && have_patch >= patch))
    } else if minor > 0 {
        have_major == 0 && have_minor == minor && have_patch >= patch
    } else {
        have_major == 0 && have_minor == 0 && have_patch == patch
    };
    if compatible {
        return None;
    }
    let mut m = Message {
        bytes: [0; MESSAGE_CAPACITY],
        len: 0,
    };
    m = m.text(krate);
    m = m.text(" was generated for waldur-client-runtime ");
    m = m
        .number(major)
        .text(".")
        .number(minor)
        .text(".")
        .number(patch);
    m = m.text(" (requirement ^");
    m = m
        .number(major)
        .text(".")
        .number(minor)
        .text(".")
        .number(patch);
    m = m.text("), but this build uses waldur-client-runtime ");
    m = m.text(VERSION);
    m = m.text(": depend on a compatible runtime or regenerate the crate");
    Some(m)
}

const MESSAGE_CAPACITY: usize = 384;

/// A message built at compile time (no allocation in `const`); longer text is cut.
#[derive(Clone, Copy)]
pub struct Message {
    bytes: [u8; MESSAGE_CAPACITY],
    len: usize,
}

impl Message {
    /// The message text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or("")
    }

    const fn text(mut self, text: &str) -> Message {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() && self.len < MESSAGE_CAPACITY {
            self.bytes[self.len] = bytes[i];
            self.len += 1;
            i += 1;
        }
        self
    }

    const fn number(mut self, n: u64) -> Message {
        let mut digits = [0u8; 20];
        let mut count = 0;
        let mut rest = n;
        loop {
            digits[count] = b'0' + (rest % 10) as u8;
            count += 1;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        while count > 0 && self.len < MESSAGE_CAPACITY {
            count -= 1;
            self.bytes[self.len] = digits[count];
            self.len += 1;
        }
        self
    }
}

impl core::fmt::Debug for Message {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        core::fmt::Debug::fmt(self.as_str(), f)
    }
}

/// `major.minor.patch` of a version without pre-release or build suffix (digits stop a part).
const fn parse(version: &str) -> (u64, u64, u64) {
    let bytes = version.as_bytes();
    let mut parts = [0u64; 3];
    let mut part = 0;
    let mut i = 0;
    while i < bytes.len() && part < 3 {
        let b = bytes[i];
        if b == b'.' {
            part += 1;
        } else if b.is_ascii_digit() {
            parts[part] = parts[part] * 10 + (b - b'0') as u64;
        } else {
            break;
        }
        i += 1;
    }
    (parts[0], parts[1], parts[2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_is_the_crates() {
        assert_eq!(VERSION, env!("CARGO_PKG_VERSION"));
    }

    #[test]
    fn compatible_versions_pass() {
        let (major, minor, patch) = parse(VERSION);
        assert!(mismatch("c", major, minor, patch).is_none());
        if patch > 0 {
            assert!(mismatch("c", major, minor, patch - 1).is_none());
        }
        require("c", major, minor, patch);
    }

    #[test]
    fn a_newer_or_other_series_names_both_versions() {
        let message = mismatch("waldur-client", 0, 2, 7).map(|m| m.as_str().to_string());
        assert_eq!(
            message.as_deref(),
            Some(
                "waldur-client was generated for waldur-client-runtime 0.2.7 (requirement ^0.2.7), but this build uses waldur-client-runtime 0.2.0: depend on a compatible runtime or regenerate the crate"
            )
        );
        assert!(mismatch("c", 0, 3, 0).is_some());
        assert!(mismatch("c", 0, 1, 0).is_some());
        assert!(mismatch("c", 1, 0, 0).is_some());
    }

    #[test]
    #[should_panic(
        expected = "my-client was generated for waldur-client-runtime 2.3.4 (requirement ^2.3.4), but this build uses waldur-client-runtime 0.2.0"
    )]
    fn require_panics_with_the_message() {
        require("my-client", 2, 3, 4);
    }

    #[test]
    fn parses_versions() {
        assert_eq!(parse("12.0.345"), (12, 0, 345));
        assert_eq!(parse("1.2.3-beta.1"), (1, 2, 3));
    }
}
