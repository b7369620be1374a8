//! Embeds every `rules/*.toml` file into the binary, so the built-in rules ship with it.
use std::{env, fs, path::Path};

fn main() {
    println!("cargo:rerun-if-changed=rules");
    let dir = Path::new(&env::var("CARGO_MANIFEST_DIR").unwrap()).join("rules");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("rules/ directory")
        .map(|e| e.expect("rules/ entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let mut out =
        String::from("/// Built-in rule files: (file name, TOML text), sorted by name.\n");
    out.push_str("pub static BUILTIN_RULE_FILES: &[(&str, &str)] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let name = f.file_name().unwrap().to_string_lossy();
        out.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            f.display().to_string()
        ));
    }
    out.push_str("];\n");
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("builtin_rules.rs");
    fs::write(dest, out).expect("write builtin_rules.rs");
}
