//! `stack exec --env-file` reads what python-dotenv reads (issue 10, "Also fix"): the
//! cases an outside check against python-dotenv's parser tests found, through the real
//! binary. Where python-dotenv and dotenvy disagree, `stack` follows python-dotenv
//! (README, "Env files").

use crate::common::*;

/// `stack exec --no-mask --env-file .env.test -- sh -c 'printf …'` printing `vars`
/// one per line as `NAME=<value>|`, in a project with no slots, on the env vault.
fn exec_with(contents: &str, vars: &[&str]) -> Output {
    let env = TestEnv::new().env_var("STACK_VAULT", "env");
    env.write(
        ".stack.toml",
        "[stack]\nversion = 1\nproject = \"envfile-compat\"\n",
    );
    env.write(".env.test", contents);
    let script: String = vars
        .iter()
        .map(|v| format!("printf '%s=%s|\\n' {v} \"${v}\";"))
        .collect();
    run(&mut env.stack(&[
        "exec",
        "--no-mask",
        "--env-file",
        ".env.test",
        "--",
        "sh",
        "-c",
        &script,
    ]))
}

#[test]
fn a_byte_order_mark_is_not_part_of_the_first_name() {
    let out = exec_with("\u{feff}FIRST=1\nSECOND=2\n", &["FIRST", "SECOND"]);
    out.assert_code(0);
    assert_eq!(out.stdout(), "FIRST=1|\nSECOND=2|\n");
}

#[test]
fn a_bare_carriage_return_ends_a_line() {
    let out = exec_with(
        "A=1\rB='two'\r# note\rC=\"x\" # c\r\nD=4\r",
        &["A", "B", "C", "D"],
    );
    out.assert_code(0);
    assert_eq!(out.stdout(), "A=1|\nB=two|\nC=x|\nD=4|\n");
}

#[test]
fn an_error_after_a_bare_carriage_return_names_its_line() {
    let out = exec_with("A=1\rB=2\r  oops\n", &["A"]);
    out.assert_code(125);
    assert!(
        out.stderr().contains(".env.test:3:3:"),
        "stderr: {}",
        out.stderr()
    );
}

#[test]
fn a_single_quoted_name_is_read() {
    let out = exec_with("'a'=b\n export 'QUOTED_1' = c\n", &["a", "QUOTED_1"]);
    out.assert_code(0);
    assert_eq!(out.stdout(), "a=b|\nQUOTED_1=c|\n");
}

#[test]
fn an_escaped_quote_inside_single_quotes_is_read() {
    let out = exec_with("a='b\\'c'\nB='x\\\\y'\nC='\\n\\$'\n", &["a", "B", "C"]);
    out.assert_code(0);
    assert_eq!(out.stdout(), "a=b'c|\nB=x\\y|\nC=\\n\\$|\n");
}
