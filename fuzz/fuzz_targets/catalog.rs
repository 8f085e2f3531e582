//! Provider manifests: parsing any text never panics; a refusal names the file, and the
//! line and column when the text is not a manifest's TOML (bad syntax, a missing or unknown
//! field, a wrong type; impossible values are located too, unless what is wrong is an
//! absence, which has no position); an accepted manifest keeps its promises (every example matches its
//! format, the API base is https with the examples filled in).

#![no_main]

use libfuzzer_sys::fuzz_target;
use stack::Secret;
use stack::catalog;

const FILE: &str = "providers/fuzzed.toml";

fuzz_target!(|text: &str| {
    // The stem is the manifest's own name when it has one, so validation gets past it.
    let stem = text
        .parse::<toml::Table>()
        .ok()
        .and_then(|t| t.get("name").and_then(|n| n.as_str()).map(str::to_string))
        .unwrap_or_else(|| "fuzzed".to_string());
    let provider = match catalog::parse(FILE, &stem, text) {
        Ok(provider) => provider,
        Err(e) => {
            assert!(e.message.starts_with(FILE), "{}", e.message);
            // Checks after reading locate the value they refuse, except an absence (no
            // `unverified` and no `[[verify]]`); only reading errors are asserted here.
            if toml::from_str::<catalog::Provider>(text).is_err() {
                assert!(
                    stack_fuzz::names_position(&e.message, FILE),
                    "{}",
                    e.message
                );
            }
            return;
        }
    };
    for slot in &provider.slots {
        let example = Secret::new(slot.example.clone());
        slot.check_format(&example)
            .expect("validated: the example matches");
        let _ = slot.stage(&example);
        let _ = slot.check_format(&Secret::new(catalog::Slot::clean(text)));
    }
    for check in &provider.verify {
        for name in check.needs() {
            assert!(provider.slot(name).is_some(), "validated: {name} is a slot");
        }
    }
    // No STACK_<NAME>_API_BASE is set here: the base comes from the manifest alone.
    provider
        .api_base(&provider.examples())
        .expect("validated: the base is https with the examples filled in");
});
