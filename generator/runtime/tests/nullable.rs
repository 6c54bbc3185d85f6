//! Request fields with three states.

use serde::{Deserialize, Serialize};
use waldur_client_runtime::Nullable;

#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
struct UpdateVolume {
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    name: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    description: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    size: Nullable<u64>,
}

#[test]
fn absent_is_skipped_null_is_written_value_is_written() {
    let update = UpdateVolume {
        name: Nullable::Absent,
        description: Nullable::Null,
        size: 20.into(),
    };
    assert_eq!(
        serde_json::to_string(&update).unwrap(),
        r#"{"description":null,"size":20}"#
    );
    assert_eq!(
        serde_json::to_string(&UpdateVolume::default()).unwrap(),
        "{}"
    );
}

#[test]
fn deserialises_all_three_states() {
    let update: UpdateVolume = serde_json::from_str(r#"{"description":null,"size":5}"#).unwrap();
    assert_eq!(
        update,
        UpdateVolume {
            name: Nullable::Absent,
            description: Nullable::Null,
            size: Nullable::Value(5),
        }
    );
}

#[test]
fn helpers() {
    let v: Nullable<u8> = Nullable::from_option(Some(1));
    assert_eq!(v, Nullable::Value(1));
    assert!(v.is_value() && !v.is_null() && !v.is_absent());
    assert_eq!(v.get(), Some(&1));
    assert_eq!(v.as_ref(), Nullable::Value(&1));
    assert_eq!(v.map(u16::from), Nullable::Value(1u16));
    assert_eq!(Nullable::<u8>::from_option(None), Nullable::Null);
    assert_eq!(Nullable::<u8>::Null.into_option(), None);
    assert_eq!(Nullable::<u8>::default(), Nullable::Absent);
    assert_eq!(
        serde_json::to_string(&Nullable::<u8>::Absent).unwrap(),
        "null"
    );
}
