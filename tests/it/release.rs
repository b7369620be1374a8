//! What a release ships besides the scanner: `--version` with the commit, the licences and changelog.

use std::path::Path;
use std::process::Command;

use crate::support::*;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn git_head() -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(root())
        .args(["rev-parse", "HEAD"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn version_names_the_release_and_the_commit_it_was_built_from() {
    let sb = Sandbox::new();
    let run = run_in(sb.path(), &["--version"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stdout,
        format!(
            "sprawl {} (commit {})\n",
            env!("CARGO_PKG_VERSION"),
            &git_head()[..12]
        )
    );
}

#[test]
fn licences_and_changelog_match_the_manifest() {
    let manifest = read("Cargo.toml");
    assert!(manifest.contains("\nlicense = \"MIT OR Apache-2.0\"\n"));
    assert!(read("LICENSE-MIT")
        .starts_with("Copyright (c) 2026 The sprawl developers\n\nPermission is hereby granted"));
    let apache = read("LICENSE-APACHE");
    assert!(apache
        .trim_start()
        .starts_with("Apache License\n                        Version 2.0, January 2004"));
    assert!(apache.contains("END OF TERMS AND CONDITIONS"));
    let changelog = read("CHANGELOG.md");
    let first = changelog.lines().find(|l| l.starts_with("## ")).unwrap();
    assert_eq!(
        first,
        format!("## {} — first release", env!("CARGO_PKG_VERSION"))
    );
}
