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

/// The words of an UpperCamel name: a word starts at an upper-case letter after a lower-case
/// letter or a digit, or at the last capital of an acronym before a lower-case letter
/// (`OpenStackIpv4Port` -> `Open`, `Stack`, `Ipv4`, `Port`; `HTTPResponse` -> `HTTP`,
/// `Response`). Digits stay with the word before them.
pub(crate) fn words(name: &str) -> Vec<&str> {
    let bytes = name.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..bytes.len() {
        let (prev, cur) = (bytes[i - 1], bytes[i]);
        let next_lower = bytes.get(i + 1).is_some_and(u8::is_ascii_lowercase);
        let boundary = cur.is_ascii_uppercase()
            && (prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next_lower));
        if boundary {
            out.push(&name[start..i]);
            start = i;
        }
    }
    if start < name.len() {
        out.push(&name[start..]);
    }
    out
}

/// Whether two words are one word, without case and number (`Users` and `user`).
pub(crate) fn same_word(a: &str, b: &str) -> bool {
    singular(a).eq_ignore_ascii_case(&singular(b))
}

/// `prefix` followed by `name`, without repeating the words `prefix` ends with and `name` starts
/// with: `Users` + `UserToken` is `UserToken`, `CustomerQuotas` + `QuotaNameEnum` is
/// `CustomerQuotaNameEnum`. The words of `name` are kept as they are, so a `prefix` that `name`
/// starts with adds nothing (the caller can tell by comparing with `name`).
pub(crate) fn join_words(prefix: &str, name: &str) -> String {
    let (head, tail) = (words(prefix), words(name));
    let overlap = (1..=head.len().min(tail.len()))
        .rev()
        .find(|&k| {
            head[head.len() - k..]
                .iter()
                .zip(&tail[..k])
                .all(|(a, b)| same_word(a, b))
        })
        .unwrap_or(0);
    let mut out: String = head[..head.len() - overlap].concat();
    out.push_str(name);
    out
}

/// `name` with each word sequence that immediately repeats itself said once, keeping the later
/// spelling: `ProposalProposals` is `Proposals`.
pub(crate) fn collapse_repeats(name: &str) -> String {
    let mut ws = words(name);
    'again: loop {
        for len in 1..=ws.len() / 2 {
            for i in 0..=ws.len() - 2 * len {
                if (0..len).all(|j| same_word(ws[i + j], ws[i + len + j])) {
                    ws.drain(i..i + len);
                    continue 'again;
                }
            }
        }
        return ws.concat();
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
    fn splits_and_joins_words() {
        assert_eq!(
            words("OpenStackIpv4Port"),
            ["Open", "Stack", "Ipv4", "Port"]
        );
        assert_eq!(words("HTTPResponse"), ["HTTP", "Response"]);
        assert_eq!(words("Admin2"), ["Admin2"]);
        assert_eq!(join_words("Users", "UserToken"), "UserToken");
        assert_eq!(join_words("Users", "User"), "User");
        assert_eq!(
            join_words("CustomerQuotas", "QuotaNameEnum"),
            "CustomerQuotaNameEnum"
        );
        assert_eq!(
            join_words("BookingOfferings", "OfferingFile"),
            "BookingOfferingFile"
        );
        assert_eq!(
            join_words("OpenstackVolumes", "OpenStackSnapshotRestoration"),
            "OpenstackVolumesOpenStackSnapshotRestoration"
        );
        assert_eq!(collapse_repeats("ProposalProposals"), "Proposals");
        assert_eq!(collapse_repeats("OpenstackVolumes"), "OpenstackVolumes");
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
