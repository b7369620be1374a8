//! The layering stays true as the code grows: sources and the engine never reach up into enrichment,
//! reports, orchestration or the CLI; only the CLI module knows clap.

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// Module paths (`crate::x`) a file uses, from `use crate::…` lines and inline `crate::x::` paths.
fn crate_uses(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + 7..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            out.push(name);
        }
    }
    out
}

#[test]
fn lower_layers_never_use_higher_ones() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    // layer -> modules it must not use
    let forbidden: &[(&str, &[&str])] = &[
        ("source", &["report", "enrich", "scan", "cli", "config"]),
        (
            "engine",
            &["report", "enrich", "scan", "cli", "config", "source"],
        ),
        (
            "rules",
            &["report", "enrich", "scan", "cli", "config", "source"],
        ),
        (
            "finding",
            &[
                "report", "enrich", "scan", "cli", "config", "source", "engine",
            ],
        ),
        ("report", &["source", "engine", "cli"]),
        ("enrich", &["report", "cli", "source"]),
    ];
    let mut violations = Vec::new();
    for f in &files {
        let rel = f
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let layer = rel.split(['/', '.']).next().unwrap().to_string();
        let text = std::fs::read_to_string(f).unwrap();
        if let Some((_, banned)) = forbidden.iter().find(|(l, _)| *l == layer) {
            for used in crate_uses(&text) {
                if banned.contains(&used.as_str()) {
                    violations.push(format!("{rel} uses crate::{used}"));
                }
            }
        }
        if rel != "cli.rs" && rel != "main.rs" && text.contains("clap") {
            violations.push(format!("{rel} mentions clap (only src/cli.rs may)"));
        }
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
    assert!(files.len() > 10, "found the sources");
}
