//! Embeds the built-in rules: every `rules/*.toml` file verbatim (for `rules check`, tests and examples),
//! and the fields a scan needs as static Rust data, so start-up parses no TOML (the pre-commit hook pays
//! start-up on every commit). Rule *validation* happens in the library and its tests, not here.
use std::{env, fmt::Write as _, fs, path::Path};

#[derive(serde::Deserialize)]
struct File {
    provider: Option<String>,
    #[serde(default)]
    rules: Vec<Rule>,
}

#[derive(serde::Deserialize)]
struct Rule {
    id: String,
    name: String,
    provider: Option<String>,
    keywords: Vec<String>,
    pattern: String,
    confidence: String,
    min_entropy: Option<f64>,
    window: Option<usize>,
    fix: Option<String>,
    validate: Option<toml::Value>,
    #[serde(default)]
    companion: bool,
}

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
    let mut compact = String::from(
        "/// Built-in rules as static data, in file order (generated from the same files).\n\
         pub static BUILTIN_STATIC: &[StaticRule] = &[\n",
    );
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            f.display().to_string()
        )
        .unwrap();
        let text = fs::read_to_string(f).unwrap();
        // A broken file is reported by the library with file and line; here it is just left out.
        let Ok(parsed) = toml::from_str::<File>(&text) else {
            continue;
        };
        for r in parsed.rules {
            let provider = r
                .provider
                .or(parsed.provider.clone())
                .unwrap_or_else(|| r.id.split('.').next().unwrap_or_default().to_string());
            writeln!(
                compact,
                "    StaticRule {{ file: {name:?}, id: {:?}, name: {:?}, provider: {provider:?}, keywords: &{:?}, \
                 pattern: {:?}, confidence: {:?}, min_entropy: {:?}, window: {:?}, fix: {:?}, validate: {:?}, companion: {:?} }},",
                r.id, r.name, r.keywords, r.pattern, r.confidence, r.min_entropy, r.window, r.fix,
                r.validate.map(|v| toml::to_string(&v).expect("validate table as TOML")),
                r.companion
            )
            .unwrap();
        }
    }
    out.push_str("];\n");
    compact.push_str("];\n");
    out.push_str(&compact);
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("builtin_rules.rs");
    fs::write(dest, out).expect("write builtin_rules.rs");
}
