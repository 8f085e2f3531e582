//! `stack recommend` and `stack providers`: a developer's brief finds the providers they
//! would pick themselves; the catalog lists what is there.

use crate::common::*;
use serde_json::Value;

fn recommend(env: &TestEnv, args: &[&str]) -> (Output, Value) {
    let mut all = vec!["recommend"];
    all.extend_from_slice(args);
    all.push("--json");
    let out = run(&mut env.stack(&all));
    let doc = serde_json::from_str(&out.stdout()).unwrap_or(Value::Null);
    (out, doc)
}

fn names(doc: &Value) -> Vec<String> {
    doc["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap().to_string())
        .collect()
}

/// The providers a developer would expect for a brief, any of which may come first, and
/// how many places down they may sit.
const BRIEFS: &[(&str, &[&str], usize)] = &[
    (
        "enterprise SSO and SAML for our B2B customers",
        &["workos"],
        1,
    ),
    (
        "drop-in user auth with login and sign-up",
        &["clerk", "auth0", "workos", "stytch"],
        1,
    ),
    (
        "user login for my app",
        &["clerk", "auth0", "workos", "stytch", "supabase"],
        1,
    ),
    ("accept card payments and subscriptions", &["stripe"], 1),
    ("serverless postgres database", &["neon", "supabase"], 1),
    (
        "a sql database for my side project",
        &["neon", "supabase", "turso"],
        2,
    ),
    ("chatbot on an LLM like GPT", &["openai"], 1),
    ("summarize documents with Claude", &["anthropic"], 1),
    (
        "send transactional email like password resets",
        &["resend", "postmark", "sendgrid", "mailgun"],
        1,
    ),
    (
        "product analytics with funnels",
        &["posthog", "mixpanel"],
        1,
    ),
    ("crash and error tracking", &["sentry"], 1),
    (
        "feature flags and gradual rollout",
        &["launchdarkly", "posthog"],
        1,
    ),
    ("deploy my Next.js app", &["vercel"], 1),
    ("issue tracker for the team", &["linear"], 1),
    ("redis cache", &["upstash"], 1),
    ("privacy friendly web analytics", &["plausible"], 1),
    (
        "GPU inference for python models",
        &["modal", "replicate"],
        2,
    ),
];

#[test]
fn briefs_find_the_providers_a_developer_would_pick() {
    let env = TestEnv::new();
    let mut misses = Vec::new();
    for (brief, expected, within) in BRIEFS {
        let (out, doc) = recommend(&env, &[brief]);
        out.assert_code(0);
        let got = names(&doc);
        let top: Vec<&String> = got.iter().take(*within).collect();
        if !top.iter().any(|n| expected.contains(&n.as_str())) {
            misses.push(format!(
                "{brief:?}: got {got:?}, wanted one of {expected:?} in the top {within}"
            ));
        }
    }
    assert!(misses.is_empty(), "{}", misses.join("\n"));
}

#[test]
fn slot_names_are_not_free_text() {
    let env = TestEnv::new();
    // SENTRY_AUTH_TOKEN is a slot name, not a description of Sentry.
    let (_, doc) = recommend(&env, &["auth"]);
    assert!(!names(&doc).contains(&"sentry".to_string()), "{doc}");
}

#[test]
fn the_json_names_score_category_and_matched_words() {
    let env = TestEnv::new();
    let (out, doc) = recommend(&env, &["enterprise sso", "--k", "2"]);
    out.assert_code(0);
    assert_eq!(doc["query"], "enterprise sso");
    let hits = doc["hits"].as_array().unwrap();
    assert!(!hits.is_empty() && hits.len() <= 2, "{doc}");
    let first = &hits[0];
    assert_eq!(first["name"], "workos");
    assert_eq!(first["display_name"], "WorkOS");
    assert_eq!(first["category"], "auth");
    assert!(first["score"].as_f64().unwrap() > 0.0);
    assert!(
        first["matched"]
            .as_array()
            .unwrap()
            .contains(&Value::from("sso"))
    );
    let scores: Vec<f64> = hits.iter().map(|h| h["score"].as_f64().unwrap()).collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "best first: {scores:?}"
    );
}

#[test]
fn the_category_filter_ignores_case() {
    let env = TestEnv::new();
    let (out, doc) = recommend(&env, &["send email", "--category", "AUTH"]);
    out.assert_code(0);
    let hits = doc["hits"].as_array().unwrap();
    assert!(hits.iter().all(|h| h["category"] == "auth"), "{doc}");
}

#[test]
fn no_hit_is_an_empty_list_a_hint_and_success() {
    let env = TestEnv::new();
    let (out, doc) = recommend(&env, &["zzzqqq xyzzy"]);
    out.assert_code(0);
    assert_eq!(doc["hits"], Value::Array(vec![]));
    assert!(out.stderr().contains("hint:"), "{out:?}");
}

#[test]
fn an_empty_brief_is_a_usage_error() {
    let env = TestEnv::new();
    run(&mut env.stack(&["recommend", "  "])).assert_code(2);
}

#[test]
fn the_human_output_gives_a_reason_and_the_command_to_run() {
    let env = TestEnv::new();
    let out = run(&mut env.stack(&["recommend", "enterprise sso"]));
    out.assert_code(0);
    assert!(out.stdout().contains("stack add workos"), "{out:?}");
    assert!(out.stdout().contains("sso"), "{out:?}");
}

#[test]
fn providers_json_lists_every_provider_with_its_slots() {
    let env = TestEnv::new();
    let out = run(&mut env.stack(&["providers", "--json"]));
    out.assert_code(0);
    let doc: Value = serde_json::from_str(&out.stdout()).unwrap();
    let all = doc.as_array().unwrap();
    assert!(all.len() >= 40, "{} providers", all.len());
    let workos = all.iter().find(|p| p["name"] == "workos").unwrap();
    assert_eq!(workos["display_name"], "WorkOS");
    assert_eq!(workos["category"], "auth");
    assert_eq!(
        workos["slots"][0],
        serde_json::json!({"name": "WORKOS_API_KEY", "secret": true})
    );
    assert_eq!(
        workos["slots"][1],
        serde_json::json!({"name": "WORKOS_CLIENT_ID", "secret": false})
    );
    let out = run(&mut env.stack(&["providers", "--json", "--category", "Payments"]));
    let doc: Value = serde_json::from_str(&out.stdout()).unwrap();
    assert!(
        doc.as_array()
            .unwrap()
            .iter()
            .all(|p| p["category"] == "payments")
    );
}

#[test]
fn a_users_own_manifest_extends_the_catalog_but_one_in_the_project_does_not() {
    let env = TestEnv::new();
    let manifest = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/providers/workos.toml"
    ))
    .unwrap()
    .replace("name = \"workos\"", "name = \"acme\"")
    .replace(
        "display_name = \"WorkOS\"",
        "display_name = \"Acme Identity\"",
    );
    // In the project: ignored.
    env.write(".stack/providers/acme.toml", &manifest);
    env.write("providers/acme.toml", &manifest);
    let (_, doc) = recommend(&env, &["acme identity"]);
    assert!(!names(&doc).contains(&"acme".to_string()));
    // In the user's config: part of the catalog, checked as strictly.
    let dir = env.home().join(".config/stack/providers");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("acme.toml"), &manifest).unwrap();
    let (_, doc) = recommend(&env, &["acme identity"]);
    assert_eq!(names(&doc).first().map(String::as_str), Some("acme"));
    std::fs::write(
        dir.join("acme.toml"),
        manifest.replace("howto =", "how_to ="),
    )
    .unwrap();
    let out = run(&mut env.stack(&["providers"]));
    out.assert_code(2);
    assert!(out.stderr().contains("acme.toml:"), "{out:?}");
}
