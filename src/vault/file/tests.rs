use std::iter;

use super::crypto::{encrypt_to, stanzas};
use super::*;

#[test]
fn a_malformed_identity_is_a_usage_error_that_never_echoes_it() {
    let e = parse_identity("AGE-SECRET-KEY-1FAKENOTBECH32")
        .err()
        .unwrap();
    assert_eq!(e.kind, crate::error::Kind::Usage);
    let shown = format!("{e:?}");
    assert!(!shown.contains("FAKENOTBECH32"), "{shown}");
}

#[test]
fn an_age_keygen_file_is_accepted_whole() {
    let key = age::x25519::Identity::generate();
    let secret = age::secrecy::ExposeSecret::expose_secret(&key.to_string()).to_owned();
    let file = format!(
        "# created: now\n# public key: {}\n{secret}\n",
        key.to_public()
    );
    let parsed = parse_identity(&file).unwrap();
    assert_eq!(parsed.to_public().to_string(), key.to_public().to_string());
}

#[test]
fn recipients_are_counted_from_the_header_without_grease() {
    let a = age::x25519::Identity::generate().to_public();
    let b = age::x25519::Identity::generate().to_public();
    let one = encrypt_to(iter::once(&a as &dyn age::Recipient), b"{}").unwrap();
    // The age crate adds a grease stanza to every file it makes for identities.
    assert!(String::from_utf8_lossy(&one).contains("-grease"));
    assert_eq!(stanzas(&one).len(), 1);
    let two = encrypt_to([&a as &dyn age::Recipient, &b].into_iter(), b"{}").unwrap();
    let two = stanzas(&two);
    assert_eq!(two.len(), 2);
    assert!(two.iter().all(|args| args[0] == "X25519"), "{two:?}");
}

#[test]
fn the_document_round_trips_with_escapes() {
    let slots = Slots::from([("p/dev/A".to_string(), Value(Secret::new("a\"b\\c\u{1}é")))]);
    let plain = serialize(&slots).unwrap();
    let doc: Document = serde_json::from_slice(&plain).unwrap();
    assert_eq!(doc.stack_vault, 1);
    assert_eq!(doc.slots["p/dev/A"].0.expose(), "a\"b\\c\u{1}é");
}
