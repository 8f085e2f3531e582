//! Embeds every `providers/*.toml` manifest at compile time, so that a new provider is a
//! new TOML file and nothing else.

use std::{env, fs, path::Path};

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("providers");
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut entries: Vec<_> = fs::read_dir(&dir)
        .expect("providers/ exists")
        .map(|e| e.expect("readable providers/").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    entries.sort();
    let mut out = String::from("&[\n");
    for path in entries {
        let stem = path.file_stem().unwrap().to_str().expect("UTF-8 file name");
        out.push_str(&format!(
            "    ({stem:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
    }
    out.push(']');
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("providers.rs");
    fs::write(dest, out).expect("OUT_DIR is writable");
}
