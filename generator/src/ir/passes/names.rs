//! Spelling of generated type names: validity, sanitising spec names, singular forms and the
//! response name derived from a request model name.

use heck::ToUpperCamelCase;

/// Whether `s` can be used verbatim as a type name: ASCII letters and digits, starting with an
/// upper-case letter, and not `Self` (which no Rust escape can turn into a type name).
pub(crate) fn is_type_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_alphanumeric())
        && s != "Self"
}

/// The UpperCamel form of one spec word group, reduced to ASCII letters and digits (it may start
/// with a digit: it is only ever used after a prefix). `type` -> `Type`, `MAX_SIZE` -> `MaxSize`.
pub(crate) fn camel_part(s: &str) -> String {
    s.to_upper_camel_case()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// Turns a name the spec gives (schema name, model name, operation id) into a type name.
///
/// Names that are already valid are kept verbatim, so `HTTPResponse` stays `HTTPResponse`;
/// an all-alphanumeric name only gets its first letter capitalised; anything else is
/// UpperCamel-cased and stripped of characters Rust identifiers cannot hold. A name that would
/// start with a digit gets a `T` in front. `None` when nothing is left.
pub(crate) fn type_name(s: &str) -> Option<String> {
    if is_type_name(s) {
        return Some(s.to_string());
    }
    let mut out = if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric()) {
        let mut chars = s.chars();
        let mut out: String = chars
            .next()
            .map(|c| c.to_ascii_uppercase())
            .into_iter()
            .collect();
        out.push_str(chars.as_str());
        out
    } else {
        camel_part(s)
    };
    if out.is_empty() {
        return None;
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'T');
    }
    if out == "Self" {
        out.push_str("Type");
    }
    Some(out)
}

/// English singular of the last word of an UpperCamel name, for the item type of an array field
/// (`Restorations` -> `Restoration`, `Policies` -> `Policy`, `Addresses` -> `Address`).
///
/// Deliberately simple rules: `ies` -> `y`, `sses` -> `ss`, otherwise a trailing `s` is dropped
/// unless the word ends in `ss`, `us` or `is` (`Status`, `Analysis` stay). Words of fewer than
/// three letters are left alone (`Os`).
pub(crate) fn singular(name: &str) -> String {
    let last_word_start = name
        .rfind(|c: char| c.is_ascii_uppercase() || c.is_ascii_digit())
        .unwrap_or(0);
    let last_word = &name[last_word_start..];
    if last_word.len() < 3 {
        return name.to_string();
    }
    if let Some(stem) = name.strip_suffix("ies") {
        return format!("{stem}y");
    }
    if let Some(stem) = name.strip_suffix("sses") {
        return format!("{stem}ss");
    }
    let keeps_s = ["ss", "us", "is"].iter().any(|end| name.ends_with(end));
    match name.strip_suffix('s') {
        Some(stem) if !keeps_s => stem.to_string(),
        _ => name.to_string(),
    }
}

/// Heuristic (b): the response model name implied by a request model name: a `Patched` prefix
/// and a `Request` suffix are stripped (`PatchedOpenStackVolumeRequest` -> `OpenStackVolume`).
/// `None` when the model name does not end in `Request` or nothing would be left.
pub(crate) fn response_name_from_request(model: &str) -> Option<String> {
    let unpatched = model
        .strip_prefix("Patched")
        .filter(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
        .unwrap_or(model);
    let stem = unpatched.strip_suffix("Request")?;
    if stem.is_empty() {
        return None;
    }
    type_name(stem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validity() {
        assert!(is_type_name("OpenStackVolume"));
        assert!(is_type_name("HTTPResponse"));
        assert!(is_type_name("V2"));
        assert!(!is_type_name("openStack"));
        assert!(!is_type_name("Foo.Bar"));
        assert!(!is_type_name("Foo_Bar"));
        assert!(!is_type_name("1Foo"));
        assert!(!is_type_name(""));
        assert!(!is_type_name("Self"));
        assert!(!is_type_name("Fü"));
    }

    #[test]
    fn sanitises_spec_names() {
        assert_eq!(
            type_name("OpenStackVolume").as_deref(),
            Some("OpenStackVolume")
        );
        assert_eq!(type_name("HTTPResponse").as_deref(), Some("HTTPResponse"));
        assert_eq!(
            type_name("openStackVolume").as_deref(),
            Some("OpenStackVolume")
        );
        assert_eq!(type_name("Foo.Bar").as_deref(), Some("FooBar"));
        assert_eq!(type_name("core_states").as_deref(), Some("CoreStates"));
        assert_eq!(type_name("3d-model").as_deref(), Some("T3dModel"));
        assert_eq!(type_name("Self").as_deref(), Some("SelfType"));
        assert_eq!(type_name("Grüße").as_deref(), Some("Gre"));
        assert_eq!(type_name("***"), None);
        assert_eq!(type_name(""), None);
    }

    #[test]
    fn camel_parts() {
        assert_eq!(camel_part("floating_ips"), "FloatingIps");
        assert_eq!(camel_part("MAX_SIZE"), "MaxSize");
        assert_eq!(camel_part("2fa_enabled"), "2faEnabled");
        assert_eq!(camel_part("x-result-count"), "XResultCount");
        assert_eq!(camel_part("*"), "");
    }

    #[test]
    fn singularises_last_word() {
        assert_eq!(
            singular("OpenStackSnapshotRestorations"),
            "OpenStackSnapshotRestoration"
        );
        assert_eq!(singular("FloatingIps"), "FloatingIp");
        assert_eq!(singular("Policies"), "Policy");
        assert_eq!(singular("IpAddresses"), "IpAddress");
        assert_eq!(singular("Access"), "Access");
        assert_eq!(singular("JobStatus"), "JobStatus");
        assert_eq!(singular("CostAnalysis"), "CostAnalysis");
        assert_eq!(singular("HostOs"), "HostOs");
        assert_eq!(
            singular("OpenstackVolumesListResponse"),
            "OpenstackVolumesListResponse"
        );
        assert_eq!(singular("Data"), "Data");
    }

    #[test]
    fn derives_response_names_from_request_models() {
        let derive = |m| response_name_from_request(m);
        assert_eq!(
            derive("OpenStackVolumeRequest").as_deref(),
            Some("OpenStackVolume")
        );
        assert_eq!(
            derive("PatchedOpenStackVolumeRequest").as_deref(),
            Some("OpenStackVolume")
        );
        assert_eq!(
            derive("OpenStackSnapshotRequest").as_deref(),
            Some("OpenStackSnapshot")
        );
        assert_eq!(
            derive("RmqPurgeRequestRequest").as_deref(),
            Some("RmqPurgeRequest")
        );
        assert_eq!(derive("PatchedonRequest").as_deref(), Some("Patchedon"));
        assert_eq!(derive("Request"), None);
        assert_eq!(derive("PatchedRequest"), None);
        assert_eq!(derive("OpenStackVolume"), None);
    }
}
