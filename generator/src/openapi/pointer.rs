//! JSON pointers (`#/paths/~1api~1x~1/get/parameters/0`) naming the node a diagnostic is about.
//!
//! A [`Ptr`] is a chain of borrowed segments on the stack, so descending into a schema costs
//! nothing; the pointer is only rendered when a diagnostic is written.

use std::fmt;

#[derive(Debug, Clone, Copy)]
pub enum Ptr<'a> {
    Root,
    Key(&'a Ptr<'a>, &'a str),
    Index(&'a Ptr<'a>, usize),
}

impl<'a> Ptr<'a> {
    pub fn key(&'a self, key: &'a str) -> Ptr<'a> {
        Ptr::Key(self, key)
    }

    pub fn index(&'a self, index: usize) -> Ptr<'a> {
        Ptr::Index(self, index)
    }

    fn write_to(&self, out: &mut String) {
        match self {
            Ptr::Root => out.push('#'),
            Ptr::Key(parent, key) => {
                parent.write_to(out);
                out.push('/');
                push_escaped(out, key);
            }
            Ptr::Index(parent, index) => {
                parent.write_to(out);
                out.push('/');
                out.push_str(&index.to_string());
            }
        }
    }

    /// This pointer extended by segments read from a [`super::document::ReadError`].
    pub fn render_with(&self, extra: &[String]) -> String {
        let mut out = String::new();
        self.write_to(&mut out);
        for seg in extra {
            out.push('/');
            push_escaped(&mut out, seg);
        }
        out
    }
}

/// RFC 6901: `~` -> `~0`, `/` -> `~1`.
fn push_escaped(out: &mut String, seg: &str) {
    for c in seg.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

impl fmt::Display for Ptr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        self.write_to(&mut out);
        f.write_str(&out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_escaped_segments() {
        let root = Ptr::Root;
        let paths = root.key("paths");
        let path = paths.key("/api/a~b/");
        let get = path.key("get");
        let param = get.index(3);
        assert_eq!(param.to_string(), "#/paths/~1api~1a~0b~1/get/3");
        assert_eq!(
            get.render_with(&["x/y".into(), "0".into()]),
            "#/paths/~1api~1a~0b~1/get/x~1y/0"
        );
        assert_eq!(root.to_string(), "#");
    }
}
