//! Input that may hold a secret is not echoed back: an invalid `STACK_VAULT`, a
//! `VAULT_ADDR` with a query or fragment, an environment name shaped like a key.

use crate::common::*;

const SECRET_SHAPED: &str = "sk_live_FAKEPASTEDKEY0000000000009";

#[test]
fn an_invalid_stack_vault_is_reported_without_its_value() {
    let env = TestEnv::new();
    for value in [SECRET_SHAPED, "FAKEnot-a-vault"] {
        let out = run(env.stack(&["list"]).env("STACK_VAULT", value));
        out.assert_code(2);
        let stderr = out.stderr();
        assert!(!stderr.contains(value), "{value} echoed: {stderr}");
        assert!(stderr.contains("<redacted>"), "{stderr}");
        assert!(stderr.contains("keychain, file, bao"), "{stderr}");
    }
}

#[test]
fn a_vault_address_is_shown_without_query_or_fragment() {
    let env = TestEnv::new();
    env.write(
        ".stack.toml",
        "[stack]\nversion = 1\nproject = \"addrtest-1\"\n\n[services.workos]\nprovider = \"workos\"\n\
         secrets = [\"WORKOS_API_KEY\", \"WORKOS_CLIENT_ID\"]\nenvironments = [\"dev\"]\n",
    );
    // A closed loopback port: the server cannot be reached.
    let addr = "http://127.0.0.1:9/base/?token=FAKEQUERYTOKEN#FAKEFRAGMENT";
    for args in [&["list"][..], &["exec", "--", "true"], &["vault", "status"]] {
        let out = run(env
            .stack(args)
            .env("STACK_VAULT", "bao")
            .env("VAULT_ADDR", addr)
            .env("VAULT_TOKEN", "hvs.FAKETOKEN000000000000000001"));
        let all = format!("{}{}", out.stdout(), out.stderr());
        assert!(all.contains("http://127.0.0.1:9/base"), "{args:?}: {out:?}");
        assert!(!all.contains("FAKEQUERYTOKEN"), "{args:?}: {out:?}");
        assert!(!all.contains("FAKEFRAGMENT"), "{args:?}: {out:?}");
    }
}

#[test]
fn a_secret_shaped_environment_name_is_refused_and_not_echoed() {
    let env = TestEnv::new();
    let short_prefix = "sk_live_x";
    for name in [SECRET_SHAPED, short_prefix] {
        let out = run(env
            .stack(&["add", "workos", "--from-env", "--no-verify", "--env", name])
            .env("WORKOS_API_KEY", API_KEY)
            .env("WORKOS_CLIENT_ID", CLIENT_ID));
        out.assert_code(2);
        assert!(!out.stderr().contains(name), "{out:?}");
        assert!(
            env.try_read(".stack.toml").is_none(),
            "{name} was written into .stack.toml"
        );
        let out = run(env.stack(&["list"]).env("STACK_ENV", name));
        out.assert_code(2);
        assert!(!out.stderr().contains(name), "{out:?}");
    }
}

#[test]
fn an_environment_name_is_short_and_starts_with_a_letter_or_digit() {
    let env = TestEnv::new();
    let longest = "a".repeat(32);
    let too_long = "a".repeat(33);
    for (name, ok) in [
        ("staging-2.eu_west", true),
        (longest.as_str(), true),
        (too_long.as_str(), false),
        ("_private", false),
        (".hidden", false),
        ("a/b", false),
    ] {
        let flag = format!("--env={name}");
        // No project here: a valid name gets as far as looking for one (exit 2 as well,
        // but saying so), an invalid one is refused by the flag.
        let out = run(&mut env.stack(&["list", &flag]));
        out.assert_code(2);
        assert_eq!(
            out.stderr().contains("no .stack.toml"),
            ok,
            "{name}: {out:?}"
        );
    }
}
