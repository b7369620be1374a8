//! The two search engines: with the Vectorscan gate (`SPRAWL_ENGINE=vectorscan`, what large scans use
//! when the build has it) and the keyword prefilter alone (`SPRAWL_ENGINE=rust`) report the same findings.

use std::path::Path;

use crate::support::*;

fn scan_with(engine: &str, cache: &Path, dir: &Path) -> Report {
    let mut cmd = sprawl();
    cmd.current_dir(dir)
        .env("SPRAWL_ENGINE", engine)
        .env("SPRAWL_CACHE_DIR", cache)
        .args([
            "scan",
            "--format",
            "json",
            "--no-redact",
            "--no-ignore",
            ".",
        ]);
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
