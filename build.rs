//! Embeds the built-in rules: every `rules/*.toml` file verbatim (for `rules check`, tests and examples),
//! and the fields a scan needs as static Rust data, so start-up parses no TOML (the pre-commit hook pays
//! start-up on every commit). Rule *validation* happens in the library and its tests, not here.
//! Also stamps the commit the binary is built from into `SPRAWL_LONG_VERSION` (for `--version`).
use std::{env, fmt::Write as _, fs, path::Path, process::Command};

#[derive(serde::Deserialize)]
struct File {
    provider: Option<String>,
    revoke: Option<Revoke>,
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
    revoke: Option<Revoke>,
    validate: Option<toml::Value>,
    #[serde(default)]
    companion: bool,
    #[serde(default)]
    documented_examples: Vec<Documented>,
}

#[derive(serde::Deserialize, Clone)]
struct Revoke {
    page: String,
    cli: Option<String>,
}

#[derive(serde::Deserialize)]
struct Documented {
    value: String,
    source: String,
}

/// The commit being built: `SPRAWL_BUILD_COMMIT` (a container build without `.git`), else the one cargo
/// recorded when it packaged the crate (`.cargo_vcs_info.json`), else `git rev-parse HEAD` when the crate
/// is the root of its own checkout (never an enclosing repository's commit).
fn build_commit(manifest: &Path) -> Option<String> {
    println!("cargo:rerun-if-env-changed=SPRAWL_BUILD_COMMIT");
    let hex = |s: &str| {
        let s = s.trim();
        (s.len() >= 12 && s.bytes().all(|b| b.is_ascii_hexdigit())).then(|| s.to_string())
    };
    if let Ok(c) = env::var("SPRAWL_BUILD_COMMIT") {
        return hex(&c);
    }
    if let Ok(text) = fs::read_to_string(manifest.join(".cargo_vcs_info.json")) {
        let sha = text.split("\"sha1\"").nth(1)?.split('"').nth(1)?;
        return hex(sha);
    }
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .arg("-C")
            .arg(manifest)
            .args(args)
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    let top = git(&["rev-parse", "--show-toplevel"])?;
    if fs::canonicalize(&top).ok()? != fs::canonicalize(manifest).ok()? {
        return None;
    }
    // Rebuild when HEAD moves: HEAD itself, the branch it points to, and packed refs (only files that
    // exist: cargo reruns the script on every build for a missing one).
    let mut watch = vec!["HEAD".to_string(), "packed-refs".to_string()];
    watch.extend(git(&["symbolic-ref", "-q", "HEAD"]));
    for path in watch {
        if let Some(p) = git(&["rev-parse", "--git-path", &path]) {
            let p = manifest.join(p);
            if p.exists() {
                println!("cargo:rerun-if-changed={}", p.display());
            }
        }
    }
    hex(&git(&["rev-parse", "HEAD"])?)
}

/// With the `vectorscan` feature, links the system's static libhs and sets `cfg(sprawl_vectorscan)`;
/// without a libhs, warns and leaves the pure-Rust engine (unless `SPRAWL_REQUIRE_VECTORSCAN` is set).
fn vectorscan() {
    println!("cargo::rustc-check-cfg=cfg(sprawl_vectorscan)");
    println!("cargo:rerun-if-env-changed=SPRAWL_REQUIRE_VECTORSCAN");
    if env::var_os("CARGO_FEATURE_VECTORSCAN").is_none() {
        return;
    }
    let found = pkg_config::Config::new()
        .atleast_version("5.4")
        .cargo_metadata(false)
        .probe("libhs");
    match found {
        Ok(lib) => {
            // Static, so the binary runs where libhs is not installed; libhs is C++, so its archive
            // needs the C++ runtime.
            for dir in &lib.link_paths {
                println!("cargo:rustc-link-search=native={}", dir.display());
            }
            println!("cargo:rustc-link-lib=static=hs");
            println!("cargo:rustc-link-lib=stdc++");
            println!("cargo:rustc-cfg=sprawl_vectorscan");
        }
        Err(e) if env::var_os("SPRAWL_REQUIRE_VECTORSCAN").is_some() => {
            panic!(
                "SPRAWL_REQUIRE_VECTORSCAN is set but Vectorscan (libhs >= 5.4) was not found: {e}"
            );
        }
        Err(_) => println!(
            "cargo:warning=Vectorscan (libhs, Debian/Ubuntu package libvectorscan-dev) not found: \
             building the pure-Rust engine only, which is slower on large scans"
        ),
    }
}

fn main() {
    vectorscan();
    let manifest = env::var("CARGO_MANIFEST_DIR").unwrap();
    let version = env::var("CARGO_PKG_VERSION").unwrap();
    let commit = build_commit(Path::new(&manifest))
        .map(|c| c[..12].to_string())
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=SPRAWL_LONG_VERSION={version} (commit {commit})");
    println!("cargo:rerun-if-changed=rules");
    let dir = Path::new(&manifest).join("rules");
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
            let revoke = r.revoke.or(parsed.revoke.clone());
            let (revoke_page, revoke_cli) = match revoke {
                Some(v) => (Some(v.page), v.cli),
                None => (None, None),
            };
            writeln!(
                compact,
                "    StaticRule {{ file: {name:?}, id: {:?}, name: {:?}, provider: {provider:?}, keywords: &{:?}, \
                 pattern: {:?}, confidence: {:?}, min_entropy: {:?}, window: {:?}, fix: {:?}, revoke_page: {revoke_page:?}, revoke_cli: {revoke_cli:?}, validate: {:?}, companion: {:?}, documented: &{:?} }},",
                r.id, r.name, r.keywords, r.pattern, r.confidence, r.min_entropy, r.window, r.fix,
                r.validate.map(|v| toml::to_string(&v).expect("validate table as TOML")),
                r.companion,
                r.documented_examples
                    .iter()
                    .map(|d| (d.value.as_str(), d.source.as_str()))
                    .collect::<Vec<_>>()
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
