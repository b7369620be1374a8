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

/// Top-level modules (`crate::x`) a file uses: `use crate::x…`, grouped `use crate::{x, y::z}`, and
/// inline `crate::x::` paths. `super::` paths stay inside their own layer, except `super::super`, which
/// the test rejects in the lowest layers so that nothing climbs out of a layer unseen.
fn crate_uses(text: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = Vec::new();
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + 7..];
        if let Some(group) = rest.strip_prefix('{') {
            // Top-level names of the group: split at commas that are not nested in braces.
            let mut depth = 0;
            let mut start = 0;
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        out.push(ident(group[start..j].trim()));
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        out.push(ident(group[start..j].trim()));
                        start = j + 1;
                    }
                    _ => {}
                }
            }
        } else {
            out.push(ident(rest));
        }
    }
    if text.contains("super::super") {
        out.push("super::super".into());
    }
    out.retain(|n| !n.is_empty());
    out
}

#[test]
fn use_parser_sees_grouped_imports() {
    assert_eq!(
        crate_uses(
            "use crate::{report::json, scan, finding::{Match, Secret}};\nlet x = crate::config::X;"
        ),
        vec!["report", "scan", "finding", "config"]
    );
}

#[test]
fn lower_layers_never_use_higher_ones() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    // layer -> modules it must not use
    let forbidden: &[(&str, &[&str])] = &[
        (
            "source",
            &[
                "report",
                "enrich",
                "scan",
                "cli",
                "config",
                "check",
                "super::super",
            ],
        ),
        (
            "engine",
            &[
                "report",
                "enrich",
                "scan",
                "cli",
                "config",
                "source",
                "check",
                "super::super",
            ],
        ),
        (
            "rules",
            &[
                "report", "enrich", "scan", "cli", "config", "source", "engine", "check",
            ],
        ),
        (
            "finding",
            &[
                "report", "enrich", "scan", "cli", "config", "source", "engine", "check",
            ],
        ),
        ("report", &["source", "engine", "cli", "check"]),
        ("enrich", &["report", "cli", "source", "check"]),
        // The work loop is used by any layer and so uses none.
        (
            "work",
            &[
                "report", "enrich", "scan", "cli", "config", "source", "engine", "check", "rules",
                "finding", "bulk",
            ],
        ),
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
