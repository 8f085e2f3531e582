//! `stack exec` keeps the vault's own credentials (`STACK_AGE_IDENTITY`,
//! `STACK_VAULT_PASSPHRASE`, `VAULT_TOKEN`, `BAO_TOKEN`) from the command unless
//! `--pass-vault-credentials` asks for them, and masks them in any case.

use crate::common::*;

const CREDENTIALS: [(&str, &str); 4] = [
    (
        "STACK_AGE_IDENTITY",
        "AGE-SECRET-KEY-1FAKEIDENTITY000000000000000",
    ),
    (
        "STACK_VAULT_PASSPHRASE",
        "FAKE passphrase of the file vault",
    ),
    ("VAULT_TOKEN", "hvs.FAKEVAULTTOKEN0000000000001"),
    ("BAO_TOKEN", "hvs.FAKEBAOTOKEN00000000000000002"),
];

/// Prints each credential variable, or `unset`.
const SHOW: &str = "for v in STACK_AGE_IDENTITY STACK_VAULT_PASSPHRASE VAULT_TOKEN BAO_TOKEN; \
                    do eval \"echo $v=\\${$v-unset}\"; done";

fn project(env: &TestEnv) {
    env.write(
        ".stack.toml",
        "[stack]\nversion = 1\nproject = \"credtest-1\"\n\n[services.workos]\nprovider = \"workos\"\n\
         secrets = [\"WORKOS_API_KEY\", \"WORKOS_CLIENT_ID\"]\nenvironments = [\"dev\"]\n",
    );
}

/// `stack <args>` on the env vault, with every vault credential set.
fn with_credentials(env: &TestEnv, args: &[&str]) -> std::process::Command {
    let mut cmd = env.stack(args);
    cmd.env("STACK_VAULT", "env")
        .env("WORKOS_API_KEY", API_KEY)
        .env("WORKOS_CLIENT_ID", CLIENT_ID);
    for (name, value) in CREDENTIALS {
        cmd.env(name, value);
    }
    cmd
}

#[test]
fn exec_keeps_the_vault_credentials_from_the_command() {
    let env = TestEnv::new();
    project(&env);
    for mask in ["--mask", "--no-mask"] {
        let out = run(&mut with_credentials(
            &env,
            &["exec", mask, "--", "sh", "-c", SHOW],
        ));
        out.assert_code(0);
        let expected: String = CREDENTIALS
            .iter()
            .map(|(name, _)| format!("{name}=unset\n"))
            .collect();
        assert_eq!(out.stdout(), expected, "{mask}: {out:?}");
    }
}

#[test]
fn pass_vault_credentials_passes_them_masked() {
    let env = TestEnv::new();
    project(&env);
    let mut cmd = with_credentials(
        &env,
        &[
            "exec",
            "--mask",
            "--pass-vault-credentials",
            "--",
            "sh",
            "-c",
            SHOW,
        ],
    );
    let out = run(&mut cmd);
    out.assert_code(0);
    let stdout = out.stdout();
    for (name, value) in CREDENTIALS {
        assert!(!stdout.contains(value), "{name} shown: {stdout}");
        assert!(stdout.contains(&format!("{name}=")), "{stdout}");
        assert!(
            !stdout.contains(&format!("{name}=unset")),
            "{name}: {stdout}"
        );
    }
    // The child got the real values.
    let check = "test \"$VAULT_TOKEN\" = \"$EXPECTED\" && echo same";
    let out = run(with_credentials(
        &env,
        &["exec", "--pass-vault-credentials", "--", "sh", "-c", check],
    )
    .env("EXPECTED", CREDENTIALS[2].1));
    out.assert_code(0);
    assert_eq!(out.stdout(), "same\n");
}

#[test]
fn the_vault_credentials_are_masked_even_when_not_passed() {
    let env = TestEnv::new();
    project(&env);
    // A child that finds the token by other means (here: its own copy) cannot print it.
    let token = CREDENTIALS[2].1;
    let out = run(&mut with_credentials(
        &env,
        &["exec", "--mask", "--", "echo", token],
    ));
    out.assert_code(0);
    assert!(!out.stdout().contains(token), "{out:?}");
}

#[test]
fn an_env_file_cannot_put_a_vault_credential_back() {
    let env = TestEnv::new();
    project(&env);
    env.write(
        "ci.env",
        "VAULT_TOKEN=hvs.FAKEFROMFILE000000000000003\nBAO_TOKEN=stack://workos/WORKOS_API_KEY\nPORT=3000\n",
    );
    let out = run(&mut with_credentials(
        &env,
        &[
            "exec",
            "--no-mask",
            "--env-file",
            "ci.env",
            "--",
            "sh",
            "-c",
            "echo \"${VAULT_TOKEN-unset} ${BAO_TOKEN-unset} $PORT\"",
        ],
    ));
    out.assert_code(0);
    assert_eq!(out.stdout(), "unset unset 3000\n", "{out:?}");
    let stderr = out.stderr();
    assert!(stderr.contains("VAULT_TOKEN"), "the user is told: {stderr}");
    assert!(stderr.contains("BAO_TOKEN"), "the user is told: {stderr}");
    assert!(!stderr.contains("FAKEFROMFILE"), "{stderr}");
}
