//! `stack`'s integration tests, one binary (as uv's `crates/uv/tests/it/main.rs`): the
//! harness in [`common`] is compiled once and every module keeps the name of the file it
//! was, so test paths stay `add::…`, `exec::…` (`cargo test --test it -- exec::`).
//!
//! `tests/zeroize.rs` stays a binary of its own: it installs a scanning global allocator,
//! which would be every test's allocator here.

mod common;

mod add;
mod catalog;
mod ci;
mod completions;
mod docs;
mod doctor;
mod echoes;
mod env_cmd;
mod env_file;
mod env_file_compat;
mod escapes;
mod exec;
mod exec_credentials;
mod exec_mask;
mod faults;
mod hygiene;
mod import;
mod mask;
mod mcp_json;
mod output_errors;
mod project_files;
mod prompt;
mod props;
mod recommend;
mod remove;
mod snapshots;
mod trust;
mod vault_bao;
mod vault_env;
mod vault_file;
mod vaults;
