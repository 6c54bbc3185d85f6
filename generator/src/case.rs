//! Case conversion of spec names (`openstack_volumes`, `OpenStackVolume`, `averageValue`).
//!
//! These are pure string functions shared by the naming pass and the emitters; Rust keyword
//! escaping lives with the emitters, not here.

/// Splits a name into lower-case words at `_`, `-`, spaces, dots and camelCase boundaries.
/// `HTTPResponse` -> `http`, `response`; `averageValue` -> `average`, `value`; `ipv4` stays one word.
pub fn words(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut words = Vec::new();
    let mut cur = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if c.is_uppercase() && !cur.is_empty() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower) {
                words.push(std::mem::take(&mut cur));
            }
        }
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// `openstack_volumes` -> `OpenstackVolumes`; an already camel-cased name keeps its humps
/// (`OpenStackVolume` stays `OpenStackVolume`).
pub fn upper_camel(s: &str) -> String {
    let mut out = String::new();
    for w in words(s) {
        let mut cs = w.chars();
        if let Some(f) = cs.next() {
            out.extend(f.to_uppercase());
            out.push_str(cs.as_str());
        }
    }
    out
}

/// `OpenStackVolume` -> `open_stack_volume`; `averageValue` -> `average_value`.
pub fn snake(s: &str) -> String {
    words(s).join("_")
}

/// `openstack_volumes` -> `OPENSTACK_VOLUMES`.
pub fn shouty_snake(s: &str) -> String {
    snake(s).to_uppercase()
}

/// `openstack_volumes` -> `openstack-volumes` (Cargo feature names).
pub fn kebab(s: &str) -> String {
    words(s).join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts() {
        assert_eq!(upper_camel("openstack_volumes"), "OpenstackVolumes");
        assert_eq!(upper_camel("OpenStackVolume"), "OpenStackVolume");
        assert_eq!(upper_camel("averageValue"), "AverageValue");
        assert_eq!(snake("OpenStackVolumeRequest"), "open_stack_volume_request");
        assert_eq!(snake("HTTPResponse"), "http_response");
        assert_eq!(snake("MAX_SIZE"), "max_size");
        assert_eq!(snake("companyName"), "company_name");
        assert_eq!(snake("cores__gte"), "cores_gte");
        assert_eq!(snake("ipv4_address"), "ipv4_address");
        assert_eq!(kebab("openstack_volumes"), "openstack-volumes");
        assert_eq!(shouty_snake("date-time"), "DATE_TIME");
        assert_eq!(words("*"), Vec::<String>::new());
    }
}
