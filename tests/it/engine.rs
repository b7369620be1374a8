//! The two search engines: with the Vectorscan gate (`SPRAWL_ENGINE=vectorscan`, what large scans use
//! when the build has it) and the keyword prefilter alone (`SPRAWL_ENGINE=rust`) report the same findings.

use std::path::Path;

use crate::support::*;

fn scan_with(engine: &str, cache: &Path, dir: &Path) -> Report {
    scan_args(engine, cache, dir, &[])
}

fn scan_args(engine: &str, cache: &Path, dir: &Path, extra: &[&str]) -> Report {
    let mut cmd = sprawl();
    cmd.current_dir(dir)
        .env("SPRAWL_ENGINE", engine)
        .env("SPRAWL_CACHE_DIR", cache)
        .args(["scan", "--format", "json", "--no-redact", "--no-ignore"])
        .args(extra)
        .arg(".");
    let run = run_cmd(&mut cmd, None);
    assert_eq!(run.code, 1, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

/// Locations with the secret found there.
fn found(r: &Report) -> Vec<((String, u32, u32, String), String)> {
    let secrets = r.findings.iter().map(|f| f.secret.clone());
    locations(r).into_iter().zip(secrets).collect()
}

#[test]
fn both_engines_report_the_same_findings_and_the_gate_is_cached() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/files");
    let cache = tempfile::tempdir().unwrap();
    let rust = scan_with("rust", cache.path(), &corpus);
    assert!(rust.findings.len() > 150, "{}", rust.findings.len());
    assert_eq!(std::fs::read_dir(cache.path()).unwrap().count(), 0);
    let gated = scan_with("vectorscan", cache.path(), &corpus);
    assert_eq!(found(&gated), found(&rust));
    // A build without libhs has one engine, and `SPRAWL_ENGINE=vectorscan` nothing to cache.
    let cached = std::fs::read_dir(cache.path()).unwrap().count();
    assert_eq!(
        cached,
        usize::from(sprawl::engine::gate_version().is_some())
    );
    // From the cache: the same again.
    assert_eq!(
        found(&scan_with("vectorscan", cache.path(), &corpus)),
        found(&rust)
    );
}

#[test]
fn an_unwritable_cache_directory_costs_only_the_cache() {
    let sb = Sandbox::new();
    sb.file("app.env", format!("T={GH1}\n"));
    sb.file("cache", "not a directory");
    let rust = scan_with("rust", &sb.join("cache"), sb.path());
    let gated = scan_with("vectorscan", &sb.join("cache/sub"), sb.path());
    assert_eq!(found(&gated), found(&rust));
    assert_eq!(found(&rust).len(), 1);
}

/// A gitleaks rule runs over the whole file once one of its keywords is anywhere in it (its matches need
/// not contain one), in both engines: the gate leaves such rules to the keyword prefilter.
#[test]
fn gitleaks_rules_search_the_whole_file_a_keyword_is_in_with_both_engines() {
    let sb = Sandbox::new();
    let hex = "9f2c4e6a8b0d1f3e5a7c9b1d3f5e7a9c0b2d4f6e";
    sb.file(
        "gl.toml",
        "[[rules]]\nid = \"codesearch\"\nregex = '''\\b([a-f0-9]{40})\\b'''\nkeywords = [\"sourcegraph\"]\n",
    )
    .file(
        "far.txt",
        format!("# sourcegraph\n{}token {hex}\n", "filler line\n".repeat(400)),
    )
    .file("nokeyword.txt", format!("token {hex}\n"));
    let cache = tempfile::tempdir().unwrap();
    let config = ["--config", "gl.toml"];
    let rust = scan_args("rust", cache.path(), sb.path(), &config);
    assert_eq!(
        found(&rust),
        vec![(
            ("far.txt".into(), 402, 7, "gitleaks.codesearch".into()),
            hex.to_string()
        )]
    );
    let gated = scan_args("vectorscan", cache.path(), sb.path(), &config);
    assert_eq!(found(&gated), found(&rust));
}
