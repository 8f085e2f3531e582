use super::*;
use crate::secret::Secret;

#[test]
fn variable_and_slot_names_are_checked_once() {
    for name in ["A", "_", "port", "a.b", "_1", "WORKOS_API_KEY", "A9"] {
        assert!(is_variable_name(name), "{name}");
    }
    for name in ["", "1A", "A-B", "A B", "[", "É", "A=B"] {
        assert!(!is_variable_name(name), "{name}");
    }
    for name in ["A", "_", "_1", "WORKOS_API_KEY", "A9"] {
        assert!(is_env_name(name), "{name}");
    }
    for name in ["", "port", "a.b", "A.B", "1A", "Aa", "A-B"] {
        assert!(!is_env_name(name), "{name}");
    }
}

#[test]
fn every_builtin_manifest_parses_and_validates() {
    let catalog = Catalog::builtin().unwrap();
    assert_eq!(catalog.providers().len(), BUILTIN.len());
    assert!(catalog.providers().len() >= 40);
    let workos = catalog.get("workos").unwrap();
    assert_eq!(workos.category, "auth");
    // The two slots of contract §2 are the ones every `stack add workos` stores.
    let required: Vec<&str> = workos
        .slots
        .iter()
        .filter(|s| !s.optional)
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(required, ["WORKOS_API_KEY", "WORKOS_CLIENT_ID"]);
}

#[test]
fn unknown_fields_are_errors_with_a_position() {
    let text = BUILTIN.iter().find(|(n, _)| *n == "workos").unwrap().1;
    let bad = text.replace("secret = false", "secret = false\nsecrett = true");
    let err = parse("providers/workos.toml", "workos", &bad).unwrap_err();
    assert!(
        err.message.contains("providers/workos.toml:"),
        "{}",
        err.message
    );
    assert!(err.message.contains("secrett"), "{}", err.message);
}

#[test]
fn a_secret_in_a_verification_url_is_refused_at_its_line_and_column() {
    let text = BUILTIN.iter().find(|(n, _)| *n == "workos").unwrap().1;
    let bad = text.replace("/sso/jwks/{WORKOS_CLIENT_ID}", "/x/{WORKOS_API_KEY}");
    let err = parse("providers/workos.toml", "workos", &bad).unwrap_err();
    let (line, col) = position_of(&bad, "\"/x/{WORKOS_API_KEY}\"");
    assert_eq!(
        err.message,
        format!("providers/workos.toml:{line}:{col}: verify path holds secret slot WORKOS_API_KEY")
    );
}

/// 1-based line and column of the first `needle` in `text`.
fn position_of(text: &str, needle: &str) -> (usize, usize) {
    let at = text.find(needle).expect("needle in text");
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    (text[..at].matches('\n').count() + 1, at - line_start + 1)
}

#[test]
fn impossible_values_are_named_with_their_line_and_column() {
    let text = BUILTIN.iter().find(|(n, _)| *n == "workos").unwrap().1;
    for (from, to, needle, why) in [
        (
            "category = \"auth\"",
            "category = \"authn\"",
            "\"authn\"",
            "unknown category \"authn\"",
        ),
        (
            "name = \"WORKOS_CLIENT_ID\"",
            "name = \"WORKOS_API_KEY\"",
            "\"WORKOS_API_KEY\"\nlabel = \"client ID",
            "slot \"WORKOS_API_KEY\" is not a unique variable name",
        ),
    ] {
        assert!(text.contains(from), "{from}");
        let bad = text.replacen(from, to, 1);
        let err = parse("providers/workos.toml", "workos", &bad).unwrap_err();
        let (line, col) = position_of(&bad, needle);
        assert_eq!(
            err.message,
            format!("providers/workos.toml:{line}:{col}: {why}")
        );
    }
}

#[test]
fn formats_stages_and_cleaning() {
    let catalog = Catalog::builtin().unwrap();
    let workos = catalog.get("workos").unwrap();
    let key = workos.slot("WORKOS_API_KEY").unwrap();
    let id = workos.slot("WORKOS_CLIENT_ID").unwrap();
    let pasted = Secret::new(Slot::clean("  \"sk_test_FAKEFAKE0001\"\n"));
    key.check_format(&pasted).unwrap();
    assert_eq!(key.stage(&pasted), Some(Stage::Staging));
    assert_eq!(
        key.stage(&Secret::new("sk_live_FAKEFAKE0001")),
        Some(Stage::Production)
    );
    assert!(
        key.check_format(&Secret::new("pk_test_FAKEFAKE0001"))
            .is_err()
    );
    id.check_format(&Secret::new("client_FAKE000001")).unwrap();
    let err = id.check_format(&Secret::new("client_short")).unwrap_err();
    assert!(!err.message.contains("client_short"));
}

#[test]
fn base_urls_must_be_https_unless_loopback() {
    assert!(check_base_url("https://api.workos.com").is_ok());
    assert!(check_base_url("http://127.0.0.1:8080").is_ok());
    assert!(check_base_url("http://[::1]:8080").is_ok());
    assert!(check_base_url("http://localhost:1").is_ok());
    assert!(check_base_url("http://api.workos.com").is_err());
    assert!(check_base_url("http://10.0.0.1").is_err());
    assert!(check_base_url("ftp://127.0.0.1").is_err());
}
