//! `--config sprawl.toml`: custom rules, disabled rules, path excludes, allowlisted values and regexes,
//! and the inline `sprawl:allow` marker.

use crate::git::{Repo, ALICE};
use crate::support::*;

#[test]
fn custom_rule_disabled_rule_excludes_and_allowlists() {
    let sb = Sandbox::new();
    sb.file(
        "sprawl.toml",
        r#"
disabled_rules = ["github.pat-classic"]

[[rules]]
id = "acme.api-key"
name = "Acme API key"
provider = "acme"
keywords = ["acme_"]
pattern = '\b(?P<secret>acme_[a-z0-9]{24})\b'
confidence = "high"

[allowlist]
paths = ["fixtures/**"]
values = ["acme_p0o9i8u7y6t5r4e3w2q1a2s3"]
regexes = ['^acme_zz']
"#,
    )
    .file(
        "app.env",
        format!("ACME=acme_q8w7e6r5t4y3u2i1o9p8a7s6\nGH={GH1}\n"),
    )
    .file("fixtures/f.env", "ACME=acme_m1n2b3v4c5x6z7l8k9j0h1g2\n")
    .file(
        "allowed.env",
        "A=acme_p0o9i8u7y6t5r4e3w2q1a2s3\nB=acme_zz9i8u7y6t5r4e3w2q1a2s3x\n",
    );
    let (run, r) = scan_json(sb.path(), &["--config", "sprawl.toml", "."]);
    assert_eq!(
        locations(&r),
        vec![("app.env".into(), 1, 6, "acme.api-key".into())]
    );
    assert_eq!(r.findings[0].provider, "acme");
    // allowed.env's two values, and the allowlisted value quoted in sprawl.toml itself.
    assert_eq!(
        r.stats.suppressed,
        Suppressed {
            inline: 0,
            allowlist: 3,
            ..Default::default()
        }
    );
    assert_eq!(run.stderr, "sprawl: using config sprawl.toml\n");
}

/// `[allowlist] paths` are gitignore patterns, as in `.gitignore` and CODEOWNERS: `*` stays inside a
/// directory, `**` crosses them, a name without `/` matches at any depth, a leading `/` anchors, `!`
/// re-includes; the same in a directory scan and in a history scan.
#[test]
fn allowlist_paths_have_gitignore_semantics_in_files_and_history() {
    let config = "[allowlist]\npaths = [\"docs/*.md\", \"**/*.lock\", \"vendor\", \"/tmp\", \"*.pem\", \"!keep.pem\"]\n";
    let files = [
        ("docs/a.md", false),
        ("docs/guide/b.md", true),
        ("Cargo.lock", false),
        ("crates/x/Cargo.lock", false),
        ("vendor/lib.env", false),
        ("src/vendor/lib.env", false),
        ("tmp/t.env", false),
        ("src/tmp/t.env", true),
        ("certs/server.pem", false),
        ("certs/keep.pem", true),
    ];
    let mut reported: Vec<String> = files
        .iter()
        .filter(|(_, shown)| *shown)
        .map(|(p, _)| p.to_string())
        .collect();
    reported.sort();
    let cfg = Sandbox::new();
    cfg.file("sprawl.toml", config);
    let config_path = cfg.join("sprawl.toml");
    let config_arg = config_path.to_str().unwrap();

    let sb = Sandbox::new();
    for (path, _) in files {
        sb.file(path, format!("T={GH1}\n"));
    }
    let (_, r) = scan_json(sb.path(), &["--config", config_arg, "."]);
    let mut paths: Vec<String> = r.findings.iter().map(|f| f.path.clone()).collect();
    paths.sort();
    assert_eq!(paths, reported);

    let repo = Repo::init();
    for (path, _) in files {
        repo.write(path, &format!("T={GH1}\n"));
    }
    repo.commit("add", ALICE, 1);
    let (_, r) = scan_json(repo.path(), &["--config", config_arg, "--git", "."]);
    let mut paths: Vec<String> = r.findings.iter().map(|f| f.path.clone()).collect();
    paths.sort();
    assert_eq!(paths, reported);
}

#[test]
fn config_inside_the_scanned_tree_is_not_used_unless_passed() {
    let sb = Sandbox::new();
    sb.file("sprawl.toml", "disabled_rules = [\"github.pat-classic\"]\n")
        .file("app.env", format!("GH={GH1}\n"));
    let (_, r) = scan_json(sb.path(), &["."]);
    assert_eq!(r.findings.len(), 1);
}

#[test]
fn bad_custom_rule_is_an_error_naming_file_line_and_rule() {
    let sb = Sandbox::new();
    sb.file(
        "sprawl.toml",
        "\n[[rules]]\nid = \"acme.k\"\nname = \"k\"\nkeywords = [\"acme\"]\npattern = '(?P<secret>acme[)'\nconfidence = \"high\"\n",
    );
    let run = run_in(sb.path(), &["scan", "--config", "sprawl.toml", "."]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("error: sprawl.toml:2: rule `acme.k`: invalid pattern: unclosed character class (at character 16)\n"),
        "{}",
        run.stderr
    );
    sb.file("sprawl.toml", "[[rules]]\nid = \"github.pat-classic\"\nname = \"dup\"\nkeywords = [\"ghp_\"]\npattern = '(?P<secret>ghp_x)'\nconfidence = \"high\"\n");
    let run = run_in(sb.path(), &["scan", "--config", "sprawl.toml", "."]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("sprawl.toml:1: rule `github.pat-classic`: duplicate id"),
        "{}",
        run.stderr
    );
}

#[test]
fn inline_allow_marker_suppresses_a_line() {
    let sb = Sandbox::new();
    sb.file(
        "app.py",
        format!("A = \"{GH1}\"  # sprawl:allow test fixture\nB = \"{GH2}\"\n"),
    );
    let (_, r) = scan_json(sb.path(), &["."]);
    assert_eq!(
        locations(&r),
        vec![("app.py".into(), 2, 6, "github.pat-classic".into())]
    );
    let human = run_in(sb.path(), &["scan", "."]);
    assert!(
        human
            .stdout
            .contains("· 1 finding allowed inline (sprawl:allow)"),
        "{}",
        human.stdout
    );
    let (_, r) = scan_json(sb.path(), &["."]);
    assert_eq!(
        r.stats.suppressed,
        Suppressed {
            inline: 1,
            ..Default::default()
        }
    );
    let (_, r) = scan_json(sb.path(), &["--no-inline-allow", "."]);
    assert_eq!(r.findings.len(), 2);
}

/// The markers teams migrating from gitleaks and detect-secrets already have count as `sprawl:allow`:
/// `gitleaks:allow`, `pragma: allowlist secret` on the line, `pragma: allowlist nextline secret` on the
/// line before. `--no-inline-allow` turns them all off.
#[test]
fn gitleaks_and_detect_secrets_markers_count_as_sprawl_allow() {
    let sb = Sandbox::new();
    sb.file(
        "app.py",
        format!(
            "A = \"{GH1}\"  # gitleaks:allow\n\
             B = \"{GH2}\"  # pragma: allowlist secret\n\
             # pragma: allowlist nextline secret\n\
             C = \"{GH1}\"\n\
             D = \"{GH2}\"  # pragma: allowlist nextline secret\n\
             E = \"{GH1}\"  # pragma: whitelist secret\n"
        ),
    );
    let (_, all) = scan_json(sb.path(), &["--no-inline-allow", "."]);
    let lines: Vec<u32> = all.findings.iter().map(|f| f.line).collect();
    assert_eq!(lines, vec![1, 2, 4, 5, 6]);
    let (_, r) = scan_json(sb.path(), &["."]);
    // D's marker is for the line after it; it does not allow D itself.
    assert_eq!(
        locations(&r),
        vec![("app.py".into(), 5, 6, "github.pat-classic".into())]
    );
    assert_eq!(
        r.stats.suppressed,
        Suppressed {
            inline: 4,
            ..Default::default()
        }
    );
}
