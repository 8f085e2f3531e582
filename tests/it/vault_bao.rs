//! The `bao` vault against a real OpenBao dev server: the CLI round trip read back by the
//! `bao` CLI, check-and-set under concurrent writers, and every failure's exit code
//! (sealed, forbidden, unreachable, refused address, missing settings).

use crate::common::bao::BaoServer;
use crate::common::*;

use std::net::TcpListener;

/// A project env using `server` through `VAULT_ADDR`/`VAULT_TOKEN` and `STACK_VAULT=bao`.
fn bao_env(server: &BaoServer) -> TestEnv {
    TestEnv::new()
        .env_var("STACK_VAULT", "bao")
        .env_var("VAULT_ADDR", server.addr())
        .env_var("VAULT_TOKEN", server.token())
}

/// `stack add workos --from-env --no-verify` with the fake key and client id.
fn add_workos(env: &TestEnv) -> Output {
    add_from_env(env, API_KEY, CLIENT_ID, &["--no-verify"])
}

/// `stack exec` printing both WorkOS slots, one per line (unmasked, to compare them).
fn exec_print(env: &TestEnv) -> Output {
    run(&mut env.stack(&[
        "exec",
        "--no-mask",
        "--",
        "sh",
        "-c",
        r#"printf '%s\n' "${WORKOS_API_KEY-<unset>}" "${WORKOS_CLIENT_ID-<unset>}""#,
    ]))
}

/// Panics when the secret value appears in stdout or stderr.
#[track_caller]
fn assert_no_secret(out: &Output, secrets: &[&str]) {
    for s in secrets {
        assert!(
            !out.stdout().contains(s) && !out.stderr().contains(s),
            "a secret leaked into the output\n{out:?}"
        );
    }
}

/// The fields of `stack/<project>/dev` as the `bao` CLI reads them.
fn kv_get(server: &BaoServer, mount: &str, project: &str) -> serde_json::Value {
    let text = server.ok(&[
        "kv",
        "get",
        &format!("-mount={mount}"),
        "-format=json",
        &format!("stack/{project}/dev"),
    ]);
    let doc: serde_json::Value = serde_json::from_str(&text).expect("bao kv get prints JSON");
    doc["data"]["data"].clone()
}

/// Whether the secret's metadata still exists.
fn metadata_exists(server: &BaoServer, project: &str) -> bool {
    server
        .cli(&[
            "kv",
            "metadata",
            "get",
            "-mount=secret",
            &format!("stack/{project}/dev"),
        ])
        .output()
        .expect("running bao")
        .status
        .success()
}

/// A token whose only policy is `rules`.
fn token_with_policy(server: &BaoServer, env: &TestEnv, name: &str, rules: &str) -> String {
    let file = env.root().join(format!("{name}.hcl"));
    std::fs::write(&file, rules).expect("writing the policy");
    server.ok(&["policy", "write", name, file.to_str().expect("UTF-8 path")]);
    server
        .ok(&[
            "token",
            "create",
            &format!("-policy={name}"),
            "-field=token",
        ])
        .trim()
        .to_string()
}

#[test]
fn round_trip_is_readable_by_the_bao_cli() {
    let server = BaoServer::shared();
    let env = bao_env(server);
    let out = run(env
        .stack(&[
            "--vault",
            "bao",
            "add",
            "workos",
            "--from-env",
            "--no-verify",
        ])
        .env("WORKOS_API_KEY", API_KEY)
        .env("WORKOS_CLIENT_ID", CLIENT_ID));
    out.assert_code(0);
    assert_no_secret(&out, &[API_KEY, server.token()]);
    let project = env.project_id();

    let fields = kv_get(server, "secret", &project);
    assert_eq!(fields["WORKOS_API_KEY"], API_KEY);
    assert_eq!(fields["WORKOS_CLIENT_ID"], CLIENT_ID);

    let out = run(&mut env.stack(&["--vault", "bao", "list", "--json"]));
    out.assert_code(0);
    assert_no_secret(&out, &[API_KEY, server.token()]);
    let list: serde_json::Value = serde_json::from_str(&out.stdout()).expect("list --json");
    assert_eq!(list["vault"], "bao", "{out:?}");
    let slots = &list["services"][0]["slots"];
    assert!(
        slots
            .as_array()
            .is_some_and(|s| s.len() == 2 && s.iter().all(|s| s["present"] == true)),
        "{out:?}"
    );
    let out = exec_print(&env);
    out.assert_code(0);
    assert_eq!(out.stdout(), format!("{API_KEY}\n{CLIENT_ID}\n"));

    let out = run(&mut env.stack(&["--vault", "bao", "remove", "workos", "--yes"]));
    out.assert_code(0);
    assert_no_secret(&out, &[API_KEY, server.token()]);
    assert!(
        !metadata_exists(server, &project),
        "the secret's metadata should be gone once no field remains"
    );
    env.scan_for_secret(&[API_KEY, server.token()]);
}

#[test]
fn remove_keeps_other_fields_of_the_secret() {
    let server = BaoServer::shared();
    let env = bao_env(server);
    add_workos(&env).assert_code(0);
    let project = env.project_id();
    // A teammate's slot in the same secret (`kv patch` keeps the others).
    server.ok(&[
        "kv",
        "patch",
        "-mount=secret",
        &format!("stack/{project}/dev"),
        "OTHER_SLOT=kept-FAKE",
    ]);

    run(&mut env.stack(&["remove", "workos", "--yes"])).assert_code(0);
    let fields = kv_get(server, "secret", &project);
    assert_eq!(fields, serde_json::json!({"OTHER_SLOT": "kept-FAKE"}));
    assert!(metadata_exists(server, &project));
}

/// Eight teammates, each with their own clone of the project (same project id, so the
/// same secret in the team vault), adding a different provider at the same moment:
/// check-and-set must keep every field.
#[test]
fn teammates_adding_at_once_lose_nothing() {
    let server = BaoServer::shared();
    let project = format!("team-{:x}", stack::random_u64());
    let catalog = stack::catalog::Catalog::builtin().unwrap();
    let providers = [
        "openai",
        "anthropic",
        "xai",
        "deepseek",
        "replicate",
        "resend",
        "sendgrid",
        "github",
    ];
    let clones: Vec<TestEnv> = providers
        .iter()
        .map(|_| {
            let env = bao_env(server);
            env.write(
                ".stack.toml",
                &format!("[stack]\nversion = 1\nproject = \"{project}\"\n"),
            );
            env
        })
        .collect();
    let children: Vec<_> = clones
        .iter()
        .zip(providers)
        .map(|(env, name)| {
            let p = catalog.get(name).unwrap();
            let mut cmd = env.stack(&["add", name, "--from-env", "--no-verify"]);
            for slot in p.asked_slots().filter(|s| !s.optional) {
                cmd.env(&slot.name, &slot.example);
            }
            cmd.stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for (child, name) in children.into_iter().zip(providers) {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{name}: {out:?}");
    }
    let fields = kv_get(server, "secret", &project);
    for name in providers {
        for slot in catalog
            .get(name)
            .unwrap()
            .slots
            .iter()
            .filter(|s| !s.optional)
        {
            assert_eq!(
                fields[&slot.name],
                slot.example.as_str(),
                "{name}: {fields}"
            );
        }
    }
}

#[test]
fn a_sealed_server_is_exit_3_and_exec_125() {
    let server = BaoServer::start();
    let env = bao_env(&server);
    add_workos(&env).assert_code(0);
    server.ok(&["operator", "seal"]);

    let out = run(&mut env.stack(&["list"]));
    out.assert_code(3);
    assert!(out.stderr().contains("sealed"), "{out:?}");
    let out = exec_print(&env);
    out.assert_code(125);
    assert!(out.stderr().contains("sealed"), "{out:?}");
    assert_no_secret(&out, &[API_KEY, server.token()]);
}

#[test]
fn a_forbidden_token_is_exit_3_naming_the_policy_paths() {
    let server = BaoServer::shared();
    let env = bao_env(server);
    add_workos(&env).assert_code(0);
    let project = env.project_id();
    let name = format!("other-{project}");
    let token = token_with_policy(
        server,
        &env,
        &name,
        r#"path "secret/data/elsewhere/*" { capabilities = ["read"] }"#,
    );
    let limited = env.env_var("VAULT_TOKEN", &token);

    let out = run(&mut limited.stack(&["list"]));
    out.assert_code(3);
    let data = format!("secret/data/stack/{project}/*");
    let metadata = format!("secret/metadata/stack/{project}/*");
    assert!(out.stderr().contains("403"), "{out:?}");
    assert!(out.stderr().contains(&data), "{out:?}");
    assert!(out.stderr().contains(&metadata), "{out:?}");
    assert_no_secret(&out, &[API_KEY, &token, server.token()]);
    exec_print(&limited).assert_code(125);
}

/// The paths the 403 message names are enough for every command.
#[test]
fn the_named_policy_paths_are_enough() {
    let server = BaoServer::shared();
    let env = bao_env(server);
    add_workos(&env).assert_code(0);
    let project = env.project_id();
    let rules = format!(
        r#"path "secret/data/stack/{project}/*" {{ capabilities = ["read", "create", "update"] }}
path "secret/metadata/stack/{project}/*" {{ capabilities = ["delete"] }}"#
    );
    let token = token_with_policy(server, &env, &format!("stack-{project}"), &rules);
    let env = env.env_var("VAULT_TOKEN", &token);

    exec_print(&env).assert_code(0);
    run(&mut env.stack(&["remove", "workos", "--yes"])).assert_code(0);
    assert!(!metadata_exists(server, &project));
    add_workos(&env).assert_code(0);
    assert_eq!(
        exec_print(&env).stdout(),
        format!("{API_KEY}\n{CLIENT_ID}\n")
    );
}

#[test]
fn a_stopped_server_is_exit_3_and_exec_125() {
    let mut server = BaoServer::start();
    let env = bao_env(&server);
    add_workos(&env).assert_code(0);
    server.stop();

    let out = run(&mut env.stack(&["list"]));
    out.assert_code(3);
    assert!(out.stderr().contains(server.addr()), "{out:?}");
    exec_print(&env).assert_code(125);

    let nowhere = TestEnv::new()
        .env_var("STACK_VAULT", "bao")
        .env_var("VAULT_ADDR", closed_port_url())
        .env_var("VAULT_TOKEN", "FAKE-token");
    add_workos(&nowhere).assert_code(3);
}

#[test]
fn a_silent_server_times_out_with_exit_3() {
    // Accepts connections (the kernel's backlog) but never answers.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = format!("http://{}", listener.local_addr().expect("addr"));
    let env = TestEnv::new()
        .env_var("STACK_VAULT", "bao")
        .env_var("VAULT_ADDR", &addr)
        .env_var("VAULT_TOKEN", "FAKE-token")
        .env_var("STACK_HTTP_TIMEOUT", "1");
    let out = add_workos(&env);
    out.assert_code(3);
    assert!(out.stderr().contains("no answer"), "{out:?}");
    assert_no_secret(&out, &["FAKE-token", API_KEY]);
}

#[test]
fn plain_http_to_another_host_is_refused() {
    let env = TestEnv::new()
        .env_var("STACK_VAULT", "bao")
        .env_var("VAULT_ADDR", "http://vault.example.com:8200")
        .env_var("VAULT_TOKEN", "FAKE-token");
    let out = add_workos(&env);
    out.assert_code(2);
    assert!(out.stderr().contains("VAULT_ADDR"), "{out:?}");
    assert!(out.stderr().contains("loopback"), "{out:?}");
}

#[test]
fn missing_address_or_token_is_exit_2_naming_the_variables() {
    let env = TestEnv::new()
        .env_var("STACK_VAULT", "bao")
        .env_var("VAULT_TOKEN", "FAKE-token");
    let out = add_workos(&env);
    out.assert_code(2);
    assert!(
        out.stderr().contains("VAULT_ADDR") && out.stderr().contains("BAO_ADDR"),
        "{out:?}"
    );

    let env = TestEnv::new()
        .env_var("STACK_VAULT", "bao")
        .env_var("VAULT_ADDR", "http://127.0.0.1:1");
    let out = add_workos(&env);
    out.assert_code(2);
    for var in ["VAULT_TOKEN", "BAO_TOKEN", ".vault-token"] {
        assert!(out.stderr().contains(var), "{out:?}");
    }
}

#[test]
fn bao_variables_and_the_token_file_work() {
    let server = BaoServer::shared();
    let env = TestEnv::new()
        .env_var("STACK_VAULT", "bao")
        .env_var("BAO_ADDR", server.addr())
        .env_var("BAO_TOKEN", server.token());
    add_workos(&env).assert_code(0);
    assert_eq!(
        exec_print(&env).stdout(),
        format!("{API_KEY}\n{CLIENT_ID}\n")
    );

    let env = TestEnv::new()
        .env_var("STACK_VAULT", "bao")
        .env_var("VAULT_ADDR", server.addr());
    std::fs::write(
        env.home().join(".vault-token"),
        format!("{}\n", server.token()),
    )
    .expect("writing ~/.vault-token");
    add_workos(&env).assert_code(0);
    assert_eq!(
        exec_print(&env).stdout(),
        format!("{API_KEY}\n{CLIENT_ID}\n")
    );
    assert_eq!(
        kv_get(server, "secret", &env.project_id())["WORKOS_API_KEY"],
        API_KEY
    );
}

#[test]
fn another_mount_is_used_and_a_missing_one_is_exit_3() {
    let server = BaoServer::shared();
    server.ok(&["secrets", "enable", "-path=team-kv", "kv-v2"]);
    let env = bao_env(server).env_var("STACK_BAO_MOUNT", "team-kv");
    add_workos(&env).assert_code(0);
    assert_eq!(
        kv_get(server, "team-kv", &env.project_id())["WORKOS_API_KEY"],
        API_KEY
    );

    let env = bao_env(server).env_var("STACK_BAO_MOUNT", "no-such-mount");
    let out = add_workos(&env);
    out.assert_code(3);
    assert!(out.stderr().contains("no-such-mount"), "{out:?}");
}

/// `bao kv delete` leaves the metadata and its version: the next write must name it.
#[test]
fn a_deleted_latest_version_is_written_over() {
    let server = BaoServer::shared();
    let env = bao_env(server);
    add_workos(&env).assert_code(0);
    let project = env.project_id();
    server.ok(&[
        "kv",
        "delete",
        "-mount=secret",
        &format!("stack/{project}/dev"),
    ]);
    exec_print(&env).assert_code(125);

    add_workos(&env).assert_code(0);
    assert_eq!(
        kv_get(server, "secret", &project)["WORKOS_CLIENT_ID"],
        CLIENT_ID
    );
}

/// `VAULT_NAMESPACE` sends every request to that namespace's own mounts.
#[test]
fn the_namespace_is_honoured() {
    let server = BaoServer::shared();
    let ns = format!("team{:x}", stack::random_u64() & 0xffff_ffff);
    server.ok(&["namespace", "create", &ns]);
    server.ok(&[
        "secrets",
        "enable",
        &format!("-namespace={ns}"),
        "-path=secret",
        "kv-v2",
    ]);
    let env = bao_env(server).env_var("VAULT_NAMESPACE", &ns);
    add_workos(&env).assert_code(0);
    let project = env.project_id();
    let text = server.ok(&[
        "kv",
        "get",
        &format!("-namespace={ns}"),
        "-mount=secret",
        "-format=json",
        &format!("stack/{project}/dev"),
    ]);
    assert!(text.contains(API_KEY), "not in namespace {ns}");
    assert!(
        !metadata_exists(server, &project),
        "written outside the namespace"
    );
}

#[test]
fn a_token_from_the_token_file_is_masked_like_one_from_the_environment() {
    let server = BaoServer::shared();
    let env = TestEnv::new()
        .env_var("STACK_VAULT", "bao")
        .env_var("VAULT_ADDR", server.addr());
    std::fs::write(
        env.home().join(".vault-token"),
        format!("{}\n", server.token()),
    )
    .expect("writing ~/.vault-token");
    add_workos(&env).assert_code(0);
    // The command reads the token file itself (as `bao token lookup` would) and prints it.
    let out = run(&mut env.stack(&["exec", "--mask", "--", "cat", "../home/.vault-token"]));
    out.assert_code(0);
    assert!(!out.stdout().contains(server.token()), "{out:?}");
    assert!(out.stdout().contains("[masked:VAULT_TOKEN]"), "{out:?}");
}
