//! `.mcp.json` through the real binary: `stack add` splices its entry into the file as the
//! user wrote it, `stack remove` takes exactly that entry out again, and a file in which
//! stack cannot tell which `mcpServers` (or which of its entries) a client reads is refused.

use crate::common::*;
use serde_json::json;

/// A project on the file vault, so these tests need no keyring.
fn file_vault_env() -> TestEnv {
    let env = TestEnv::new()
        .env_var("STACK_VAULT", "file")
        .env_var("STACK_AGE_IDENTITY", age_identity());
    let vault_file = env.root().join("vault").join("vault.age");
    env.env_var("STACK_VAULT_FILE", &vault_file)
}

fn add(env: &TestEnv) -> Output {
    add_from_env(env, API_KEY, CLIENT_ID, &["--no-verify"])
}

fn remove(env: &TestEnv) -> Output {
    run(&mut env.stack(&["remove", "workos", "--yes"]))
}

/// `add` then `remove` on a file holding `original`: after the add, the file is `added`;
/// after the remove, the user's bytes are back exactly.
#[track_caller]
fn assert_round_trip(original: &str, added: &str) {
    let env = file_vault_env();
    env.write(".mcp.json", original);
    add(&env).assert_code(0);
    assert_eq!(
        env.read(".mcp.json"),
        added,
        "stack add changed bytes it does not own, or did not follow the file's layout"
    );
    assert_eq!(
        env.mcp_json()["mcpServers"]["workos"],
        json!({"type": "http", "url": "https://mcp.workos.com/mcp"})
    );
    remove(&env).assert_code(0);
    assert_eq!(
        env.read(".mcp.json"),
        original,
        "stack remove did not give back the user's bytes"
    );
}

const WORKOS_2: &str = "\"workos\": {\n      \"type\": \"http\",\n      \"url\": \"https://mcp.workos.com/mcp\"\n    }";

#[test]
fn numbers_escapes_and_duplicate_keys_of_other_servers_are_kept_as_written() {
    let original = "{\n  \"big\": 123456789012345678901234567890,\n  \"mcpServers\": {\n    \
                    \"mine\": {\n      \"command\": \"caf\\u00e9\",\n      \"n\": 1e2,\n      \
                    \"z\": -0,\n      \"f\": 1.0,\n      \"d\": 1,\n      \"d\": 2\n    }\n  },\n  \
                    \"after\": [1E+2, 0.10]\n}\n";
    let added = original.replace(
        "\"d\": 2\n    }\n",
        &format!("\"d\": 2\n    }},\n    {WORKOS_2}\n"),
    );
    assert_round_trip(original, &added);
}

#[test]
fn the_entry_follows_the_files_indentation_and_line_ends() {
    // Tabs, no trailing newline.
    assert_round_trip(
        "{\n\t\"mcpServers\": {\n\t\t\"mine\": {\n\t\t\t\"command\": \"x\"\n\t\t}\n\t}\n}",
        "{\n\t\"mcpServers\": {\n\t\t\"mine\": {\n\t\t\t\"command\": \"x\"\n\t\t},\n\t\t\
         \"workos\": {\n\t\t\t\"type\": \"http\",\n\t\t\t\"url\": \"https://mcp.workos.com/mcp\"\
         \n\t\t}\n\t}\n}",
    );
    // Four spaces, CRLF line ends.
    assert_round_trip(
        "{\r\n    \"mcpServers\": {\r\n        \"mine\": {\r\n            \"command\": \"x\"\r\n        \
         }\r\n    }\r\n}\r\n",
        "{\r\n    \"mcpServers\": {\r\n        \"mine\": {\r\n            \"command\": \"x\"\r\n        \
         },\r\n        \"workos\": {\r\n            \"type\": \"http\",\r\n            \
         \"url\": \"https://mcp.workos.com/mcp\"\r\n        }\r\n    }\r\n}\r\n",
    );
    // Two spaces, an empty mcpServers.
    assert_round_trip(
        "{\n  \"mcpServers\": {},\n  \"x\": 1e2\n}\n",
        &format!("{{\n  \"mcpServers\": {{\n    {WORKOS_2}\n  }},\n  \"x\": 1e2\n}}\n"),
    );
    // All on one line: stays on one line, with the file's separators.
    assert_round_trip(
        "{\"mcpServers\":{\"mine\":{\"command\":\"x\",\"n\":1.0}}}",
        "{\"mcpServers\":{\"mine\":{\"command\":\"x\",\"n\":1.0},\"workos\":{\"type\":\"http\",\
         \"url\":\"https://mcp.workos.com/mcp\"}}}",
    );
}

#[test]
fn a_file_without_mcp_servers_gets_the_object_in_its_own_layout() {
    let env = file_vault_env();
    let original = "{\n    \"theme\": \"d\\u0061rk\"\n}";
    env.write(".mcp.json", original);
    add(&env).assert_code(0);
    assert_eq!(
        env.read(".mcp.json"),
        "{\n    \"theme\": \"d\\u0061rk\",\n    \"mcpServers\": {\n        \"workos\": {\n            \
         \"type\": \"http\",\n            \"url\": \"https://mcp.workos.com/mcp\"\n        }\n    \
         }\n}"
    );
    // The object stack added stays (it cannot know the user did not want it), empty.
    remove(&env).assert_code(0);
    assert_eq!(
        env.read(".mcp.json"),
        "{\n    \"theme\": \"d\\u0061rk\",\n    \"mcpServers\": {}\n}"
    );
}

#[test]
fn a_file_stack_created_is_left_with_an_empty_mcp_servers_after_remove() {
    let env = file_vault_env();
    add(&env).assert_code(0);
    assert_eq!(
        env.read(".mcp.json"),
        format!("{{\n  \"mcpServers\": {{\n    {WORKOS_2}\n  }}\n}}\n")
    );
    remove(&env).assert_code(0);
    assert_eq!(env.read(".mcp.json"), "{\n  \"mcpServers\": {}\n}\n");
}

/// The command exited 2 naming `.mcp.json:line:column`, saying what appears twice.
#[track_caller]
fn assert_refused_at(out: &Output, line: usize, column: usize) {
    out.assert_code(2);
    let needle = format!(".mcp.json:{line}:{column}: ");
    assert!(
        out.stderr().contains(&needle) && out.stderr().contains("twice"),
        "the error should name {needle} and say what appears twice:\n{out:?}"
    );
}

#[test]
fn a_second_mcp_servers_is_refused_at_its_line_and_column_and_the_file_left_alone() {
    let env = file_vault_env();
    let original = "{\n  \"mcpServers\": {\"a\": {}},\n  \"mcpServers\": {\"b\": {}}\n}\n";
    env.write(".mcp.json", original);
    let out = add(&env);
    assert_refused_at(&out, 3, 3);
    assert_eq!(env.read(".mcp.json"), original);
    assert_eq!(env.try_read(".stack.toml"), None, "add went on: {out:?}");
    assert_eq!(env.try_read(".env"), None, "add went on: {out:?}");
}

#[test]
fn a_duplicated_entry_of_stacks_name_is_refused_by_add_and_remove() {
    let env = file_vault_env();
    add(&env).assert_code(0);
    let before = [".stack.toml", ".env"].map(|f| env.read(f));
    // The same name twice, spelled differently: both are "workos" to a client.
    let original = format!(
        "{{\n  \"mcpServers\": {{\n    {WORKOS_2},\n    \"work\\u006fs\": {{\"command\": \"mine\"}}\n  }}\n}}\n"
    );
    env.write(".mcp.json", &original);

    let out = run(env
        .stack(&["add", "workos", "--from-env", "--no-verify", "--force"])
        .env("WORKOS_API_KEY", API_KEY_ROTATED)
        .env("WORKOS_CLIENT_ID", CLIENT_ID));
    assert_refused_at(&out, 7, 5);
    let out = remove(&env);
    assert_refused_at(&out, 7, 5);

    assert_eq!(env.read(".mcp.json"), original);
    assert_eq!([".stack.toml", ".env"].map(|f| env.read(f)), before);
}

#[test]
fn duplicate_server_names_stack_does_not_write_are_kept() {
    let original =
        "{\n  \"mcpServers\": {\n    \"mine\": {\"a\": 1},\n    \"mine\": {\"a\": 2}\n  }\n}\n";
    let added = original.replace(
        "{\"a\": 2}\n",
        "{\"a\": 2},\n    \"workos\": {\n      \"type\": \"http\",\n      \
         \"url\": \"https://mcp.workos.com/mcp\"\n    }\n",
    );
    assert_round_trip(original, &added);
}

#[test]
fn a_byte_order_mark_is_kept_and_not_refused() {
    // Windows editors start a UTF-8 file with a byte-order mark.
    assert_round_trip(
        "\u{feff}{\n  \"mcpServers\": {}\n}\n",
        "\u{feff}{\n  \"mcpServers\": {\n    \"workos\": {\n      \"type\": \"http\",\n      \"url\": \"https://mcp.workos.com/mcp\"\n    }\n  }\n}\n",
    );
}
