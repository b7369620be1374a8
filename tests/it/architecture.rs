//! The layering stays true as the code grows: `LAYERS` gives every module of `src/` its layer, a
//! module uses only lower layers, and the `src/lib.rs` diagram names them in the same order; only the
//! CLI module knows clap.

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

/// Every top-level module of `src/` and its layer (mirrored by the diagram in `src/lib.rs`). A module
/// may use only modules of lower layers; `finding` and `rules` are one layer (a rule's metadata is
/// part of a finding, and rules name severities). Utilities (layer 0) use nothing of the crate.
const LAYERS: &[(&str, u8)] = &[
    ("clock", 0),
    ("diag", 0),
    ("work", 0),
    ("finding", 1),
    ("rules", 1),
    ("engine", 2),
    ("source", 2),
    ("baseline", 3),
    ("check", 3),
    ("config", 3),
    ("enrich", 3),
    ("hook", 3),
    ("scan", 4),
    ("report", 5),
    ("bulk", 6),
    ("revoke", 6),
    ("cli", 7),
    ("lib", 7),
    ("main", 8),
];

#[test]
fn lower_layers_never_use_higher_ones() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let layer_of = |m: &str| LAYERS.iter().find(|(n, _)| *n == m).map(|(_, l)| *l);
    let mut violations = Vec::new();
    for f in &files {
        let rel = f
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let module = rel.split(['/', '.']).next().unwrap().to_string();
        let Some(mine) = layer_of(&module) else {
            violations.push(format!("{rel}: module {module} has no layer in LAYERS"));
            continue;
        };
        let mut text = std::fs::read_to_string(f).unwrap();
        if module == "main" {
            // The binary reaches the library as `sprawl::`.
            text = text.replace("sprawl::", "crate::");
        }
        for used in crate_uses(&text) {
            if used == "super::super" {
                if mine <= 2 {
                    violations.push(format!("{rel} climbs out of its module with super::super"));
                }
                continue;
            }
            let same_pair = matches!(
                (module.as_str(), used.as_str()),
                ("finding", "rules") | ("rules", "finding")
            );
            match layer_of(&used) {
                Some(theirs) if theirs < mine || same_pair || used == module => {}
                Some(theirs) => violations.push(format!(
                    "{rel} (layer {mine}) uses crate::{used} (layer {theirs})"
                )),
                // Items of lib.rs (none today) or std-like paths: not a module of the crate.
                None => {}
            }
        }
        if rel != "cli.rs" && rel != "main.rs" && text.contains("clap") {
            violations.push(format!("{rel} mentions clap (only src/cli.rs may)"));
        }
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
    let modules: Vec<String> = std::fs::read_dir(&src)
        .unwrap()
        .map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            name.trim_end_matches(".rs").to_string()
        })
        .collect();
    for m in &modules {
        assert!(layer_of(m).is_some(), "src/{m} has no layer");
    }
    assert_eq!(
        modules.len(),
        LAYERS.len(),
        "LAYERS names a module src/ does not have"
    );
}

#[test]
fn the_lib_rs_diagram_names_every_layer_in_order() {
    let lib =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    let diagram: String = lib
        .lines()
        .take_while(|l| l.starts_with("//!"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut last = (0u8, 0usize);
    for (m, layer) in LAYERS
        .iter()
        .filter(|(m, _)| !matches!(*m, "lib" | "main" | "cli"))
    {
        let at = diagram
            .find(&format!("`{m}`"))
            .unwrap_or_else(|| panic!("the lib.rs diagram does not name `{m}`"));
        if *layer > last.0 {
            assert!(
                at > last.1,
                "`{m}` (layer {layer}) comes before a lower layer in lib.rs"
            );
            last = (*layer, at);
        }
    }
}
