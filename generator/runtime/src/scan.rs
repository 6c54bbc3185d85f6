//! Walking JSON text that serde_json has already checked: the members of an object and the
//! elements of an array, each as its own text.
//!
//! A response field is read as its raw text first ([`super::lenient`]), and serde_json checks
//! that text while it scans it. Decoding an object or array inside such a text through
//! serde_json again would check it a second time and pay serde's per-value machinery (a map
//! access, a raw-value handshake, a UTF-8 check of every key and value when the input was a
//! byte slice) for each member. Here only the structure is looked at: where strings end,
//! where containers close, where scalars stop. For a whole-API model that is most of what
//! decoding costs.
//!
//! The walkers expect one complete, valid JSON value. Given other text they never panic: they
//! report [`Malformed`] (the caller then keeps the value raw), or, for text that is not JSON
//! at all, may return pieces that are not JSON values either; the runtime only hands them text
//! serde_json has scanned.

/// The text was not the JSON value the walker expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Malformed;

/// The members of one JSON object: `(key, value)`, the key as it stands between its quotes
/// (escapes not yet resolved) and the value as its exact text.
pub(super) struct Members<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Members<'a> {
    /// `text` must start with `{`.
    pub(super) fn new(text: &'a str) -> Result<Members<'a>, Malformed> {
        match text.as_bytes().first() {
            Some(b'{') => Ok(Members { text, pos: 1 }),
            _ => Err(Malformed),
        }
    }

    pub(super) fn next_member(&mut self) -> Result<Option<(&'a str, &'a str)>, Malformed> {
        let bytes = self.text.as_bytes();
        let mut pos = skip_whitespace(bytes, self.pos);
        match bytes.get(pos) {
            Some(b'}') => return Ok(None),
            Some(b',') if self.pos > 1 => pos = skip_whitespace(bytes, pos + 1),
            Some(b'"') if self.pos == 1 => {}
            _ => return Err(Malformed),
        }
        if bytes.get(pos) != Some(&b'"') {
            return Err(Malformed);
        }
        let key_end = string_end(bytes, pos).ok_or(Malformed)?;
        let key = self.text.get(pos + 1..key_end - 1).ok_or(Malformed)?;
        let colon = skip_whitespace(bytes, key_end);
        if bytes.get(colon) != Some(&b':') {
            return Err(Malformed);
        }
        let start = skip_whitespace(bytes, colon + 1);
        let end = value_end(bytes, start).ok_or(Malformed)?;
        let value = self.text.get(start..end).ok_or(Malformed)?;
        self.pos = end;
        Ok(Some((key, value)))
    }
}

/// The elements of one JSON array, each as its exact text.
pub(super) struct Elements<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Elements<'a> {
    /// `text` must start with `[`.
    pub(super) fn new(text: &'a str) -> Result<Elements<'a>, Malformed> {
        match text.as_bytes().first() {
            Some(b'[') => Ok(Elements { text, pos: 1 }),
            _ => Err(Malformed),
        }
    }

    pub(super) fn next_element(&mut self) -> Result<Option<&'a str>, Malformed> {
        let bytes = self.text.as_bytes();
        let mut pos = skip_whitespace(bytes, self.pos);
        match bytes.get(pos) {
            Some(b']') => return Ok(None),
            Some(b',') if self.pos > 1 => pos = skip_whitespace(bytes, pos + 1),
            Some(_) if self.pos == 1 => {}
            _ => return Err(Malformed),
        }
        let end = value_end(bytes, pos).ok_or(Malformed)?;
        let value = self.text.get(pos..end).ok_or(Malformed)?;
        self.pos = end;
        Ok(Some(value))
    }
}

#[inline]
fn skip_whitespace(bytes: &[u8], mut pos: usize) -> usize {
    while let Some(b' ' | b'\n' | b'\r' | b'\t') = bytes.get(pos) {
        pos += 1;
    }
    pos
}

/// The end (exclusive) of the value starting at `pos`.
fn value_end(bytes: &[u8], pos: usize) -> Option<usize> {
    match bytes.get(pos)? {
        b'"' => string_end(bytes, pos),
        b'{' | b'[' => container_end(bytes, pos),
        _ => {
            // A number or a literal runs to the next delimiter.
            let mut end = pos;
            while let Some(b) = bytes.get(end) {
                if matches!(b, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t') {
                    break;
                }
                end += 1;
            }
            (end > pos).then_some(end)
        }
    }
}

/// The end (exclusive) of the object or array opening at `pos`.
fn container_end(bytes: &[u8], mut pos: usize) -> Option<usize> {
    let mut depth = 0usize;
    loop {
        match bytes.get(pos)? {
            b'"' => {
                pos = string_end(bytes, pos)?;
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(pos + 1);
                }
            }
            _ => {}
        }
        pos += 1;
    }
}

const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);

/// Whether a word of eight bytes holds `byte` (the classic zero-byte test after an xor; it has
/// no false positives).
#[inline]
fn holds(word: u64, byte: u8) -> bool {
    let w = word ^ (ONES * u64::from(byte));
    w.wrapping_sub(ONES) & !w & HIGHS != 0
}

/// Whether a string's text holds an escape: eight bytes at a time, then the last eight
/// (overlapping the others), so that a short string of any length takes one or a few rounds
/// (`memchr`'s setup and branches cost more than the short strings of a response).
#[inline]
pub(super) fn has_backslash(text: &str) -> bool {
    let bytes = text.as_bytes();
    let Some(last) = bytes.len().checked_sub(8) else {
        return bytes.iter().fold(false, |found, b| found | (*b == b'\\'));
    };
    let word = |chunk: &[u8]| u64::from_ne_bytes(chunk.try_into().unwrap_or_default());
    let mut found = false;
    for chunk in bytes.chunks_exact(8) {
        found |= holds(word(chunk), b'\\');
    }
    found | holds(word(&bytes[last..]), b'\\')
}

/// The end (exclusive, after the closing quote) of the string opening at `pos`: eight bytes at
/// a time up to the first quote or backslash.
#[inline]
fn string_end(bytes: &[u8], pos: usize) -> Option<usize> {
    let mut i = pos + 1;
    loop {
        while let Some(chunk) = bytes.get(i..i + 8) {
            let word = u64::from_ne_bytes(chunk.try_into().ok()?);
            if holds(word, b'"') || holds(word, b'\\') {
                break;
            }
            i += 8;
        }
        match bytes.get(i)? {
            b'"' => return Some(i + 1),
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(text: &str) -> Result<Vec<(&str, &str)>, Malformed> {
        let mut m = Members::new(text)?;
        let mut out = Vec::new();
        while let Some(pair) = m.next_member()? {
            out.push(pair);
        }
        Ok(out)
    }

    fn elements(text: &str) -> Result<Vec<&str>, Malformed> {
        let mut e = Elements::new(text)?;
        let mut out = Vec::new();
        while let Some(v) = e.next_element()? {
            out.push(v);
        }
        Ok(out)
    }

    #[test]
    fn members_are_keys_and_exact_value_texts() {
        let text = r#"{ "a" : 1.50e3 , "b\"c":"x\\\"y}" ,"d":{"e":[1,{"f":"]"}]},"g":null,"h":[ ],
            "i":true}"#;
        assert_eq!(
            members(text),
            Ok(vec![
                ("a", "1.50e3"),
                (r#"b\"c"#, r#""x\\\"y}""#),
                ("d", r#"{"e":[1,{"f":"]"}]}"#),
                ("g", "null"),
                ("h", "[ ]"),
                ("i", "true"),
            ])
        );
        assert_eq!(members("{}"), Ok(vec![]));
        assert_eq!(members(" {}"), Err(Malformed));
    }

    #[test]
    fn elements_are_exact_value_texts() {
        assert_eq!(
            elements(r#"[ "a,b" , -1 ,{"x":"y"},[[]],"\u00e9 long string over eight"]"#),
            Ok(vec![
                r#""a,b""#,
                "-1",
                r#"{"x":"y"}"#,
                "[[]]",
                r#""\u00e9 long string over eight""#
            ])
        );
        assert_eq!(elements("[]"), Ok(vec![]));
    }

    #[test]
    fn strings_end_at_their_closing_quote_at_any_length_and_escape_place() {
        for len in 0..40 {
            for escape_at in (0..len).map(Some).chain([None]) {
                let mut inner = "é".repeat(len / 3) + &"a".repeat(len - len / 3);
                if let Some(at) = escape_at {
                    let at = inner.char_indices().nth(at).map_or(inner.len(), |(i, _)| i);
                    inner.insert_str(at, r#"\""#);
                }
                let text = format!(r#"["{inner}","z"]"#);
                assert_eq!(
                    elements(&text),
                    Ok(vec![format!(r#""{inner}""#).as_str(), r#""z""#]),
                    "{text}"
                );
            }
        }
    }

    #[test]
    fn text_that_is_not_json_is_reported_or_cut_never_a_panic() {
        for text in [
            "{",
            "{\"a\"",
            "{\"a\":",
            "{\"a\":1,",
            "{\"a\" 1}",
            "{1:2}",
            "{\"a\":1 \"b\":2}",
            "[",
            "[1,",
            "[1 2]",
            "[\"\\",
            "[\"é\\",
            "{\"a\":[}",
            "[}",
        ] {
            let m = Members::new(text).and_then(|mut m| {
                while m.next_member()?.is_some() {}
                Ok(())
            });
            let e = Elements::new(text).and_then(|mut e| {
                while e.next_element()?.is_some() {}
                Ok(())
            });
            assert!(m.is_err() && e.is_err(), "{text}: {m:?} {e:?}");
        }
    }
}
