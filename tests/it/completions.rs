//! `completions/` holds what `stack completion <shell>` prints, byte for byte, and the
//! provider names offered come from the embedded manifests.

use crate::common::*;

use std::path::PathBuf;
use std::process::{Command, Stdio};

/// (shell as `stack completion` names it, checked-in file)
const SHELLS: [(&str, &str); 5] = [
    ("bash", "stack.bash"),
    ("zsh", "stack.zsh"),
    ("fish", "stack.fish"),
    ("powershell", "stack.ps1"),
    ("elvish", "stack.elv"),
];

fn checked_in(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("completions")
        .join(file)
}

/// The raw bytes `stack completion <shell>` prints; exit 0 and nothing on stderr.
fn generated(env: &TestEnv, shell: &str) -> Vec<u8> {
    let out = env
        .stack(&["completion", shell])
        .stdin(Stdio::null())
        .output()
        .expect("running stack");
    assert_eq!(
        out.status.code(),
        Some(0),
        "stack completion {shell}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "stack completion {shell} wrote to stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !out.stdout.is_empty(),
        "stack completion {shell} printed nothing"
    );
    out.stdout
}

#[test]
fn the_checked_in_completion_scripts_match_what_the_binary_prints() {
    let env = TestEnv::new();
    let mut stale = Vec::new();
    for (shell, file) in SHELLS {
        let expected = generated(&env, shell);
        if std::fs::read(checked_in(file)).ok().as_deref() != Some(expected.as_slice()) {
            stale.push(format!(
                "completions/{file} is stale: run scripts/completions.sh"
            ));
        }
    }
    assert!(stale.is_empty(), "{}", stale.join("\n"));
}

#[test]
fn the_bash_script_offers_the_catalogs_providers_for_stack_add() {
    let script = std::fs::read_to_string(checked_in("stack.bash"))
        .expect("completions/stack.bash is missing: run scripts/completions.sh");
    let add = script
        .split_once("stack__subcmd__add)")
        .map(|(_, rest)| rest)
        .expect("no `stack add` case in completions/stack.bash");
    let opts = add
        .lines()
        .find_map(|l| l.trim().strip_prefix("opts=\""))
        .expect("no opts line for `stack add`");
    assert!(
        opts.trim_end_matches('"')
            .split_whitespace()
            .any(|w| w == "workos"),
        "`stack add` does not offer workos: {opts}"
    );
}

#[test]
fn bash_completes_stack_add_w_to_workos() {
    let script = checked_in("stack.bash");
    let out = Command::new("bash")
        .arg("-c")
        .arg(
            r#"source "$1" || exit 99
               COMP_WORDS=(stack add w); COMP_CWORD=2; COMP_LINE="stack add w"; COMP_POINT=11
               _stack stack w add
               printf '%s\n' "${COMPREPLY[@]}""#,
        )
        .arg("bash")
        .arg(&script)
        .stdin(Stdio::null())
        .output()
        .expect("running bash");
    assert!(
        out.status.success(),
        "bash: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "workos\n",
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
