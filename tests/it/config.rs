//! `--config sprawl.toml`: custom rules, disabled rules, path excludes, allowlisted values and regexes,
//! and the inline `sprawl:allow` marker.

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

const GITLEAKS: &str = r#"
title = "team gitleaks config"

[extend]
useDefault = true

[[rules]]
id = "internal-api-key"
description = "Internal API key"
regex = '''(?i)intkey[_-]?(?:id)?\s*[:=]\s*["']?(int_[a-z0-9]{20})'''
secretGroup = 1
keywords = ["intkey"]
tags = ["internal"]

[[rules]]
id = "Legacy Session"
description = "Legacy session token"
regex = '''LS-[A-Z0-9]{16}'''
entropy = 3.0

[allowlist]
description = "global"
stopwords = ["notreal"]
paths = ['''(^|/)fixtures/''']
"#;

#[test]
fn gitleaks_config_rules_are_converted_and_used() {
    let sb = Sandbox::new();
    sb.file(".gitleaks.toml", GITLEAKS)
        .file(
            "svc/app.env",
            "INTKEY_ID = \"int_q8w7e6r5t4y3u2i1o9p8\"\nsession=LS-Q8W7E6R5T4Y3U2I1\n",
        )
        .file("svc/low.txt", "LS-AAAAAAAAAAAAAAAA and int_x\n")
        .file("svc/stop.env", "intkey=int_notrealnotrealnotreal\n")
        .file("fixtures/f.env", "intkey: int_m1n2b3v4c5x6z7l8k9j0\n");
    let (run, r) = scan_json(sb.path(), &["--config", ".gitleaks.toml", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let got: Vec<(String, String, u32, u32)> = r
        .findings
        .iter()
        .map(|f| (f.path.clone(), f.rule_id.clone(), f.line, f.column))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "svc/app.env".into(),
                "gitleaks.internal-api-key".into(),
                1,
                14
            ),
            ("svc/app.env".into(), "gitleaks.legacy-session".into(), 2, 9),
        ]
    );
    assert_eq!(r.findings[0].provider, "gitleaks");
    assert_eq!(r.stats.suppressed.allowlist, 1, "the stopword");
    assert_eq!(run.stderr, "sprawl: using config .gitleaks.toml\n");
}

#[test]
fn gitleaks_features_without_an_equivalent_are_clear_errors() {
    let sb = Sandbox::new();
    for (snippet, message) in [
        (
            "[[rules]]\nid = \"k\"\nregex = 'x'\npath = '''\\.pem$'''\n",
            "rule `k`: `path` (rules that match file names) is not supported",
        ),
        (
            "[[rules]]\nid = \"k\"\nregex = 'x'\n[[rules.allowlists]]\nregexes = ['y']\n",
            "rule `k`: per-rule allowlists are not supported: move them to the top-level [allowlist]",
        ),
        ("title = \"t\"\n[allowlist]\ncommits = [\"abc\"]\n", "allowlist `commits` is not supported: use a baseline"),
    ] {
        sb.file("gl.toml", snippet);
        let run = run_in(sb.path(), &["scan", "--config", "gl.toml", "."]);
        assert_eq!(run.code, 2, "{snippet}");
        assert!(run.stderr.contains(&format!("gitleaks config: {message}")), "{}", run.stderr);
        assert!(run.stderr.starts_with("error: gl.toml:"), "{}", run.stderr);
    }
}

/// A stopword is escaped into a regex; one long enough to exceed the regex size limit used to panic.
#[test]
fn gitleaks_stopword_over_the_regex_size_limit_is_an_error_not_a_panic() {
    let sb = Sandbox::new();
    let word = "a".repeat(1 << 20);
    sb.file(
        "gl.toml",
        format!("title = \"t\"\n\n[allowlist]\nstopwords = [\"ok\", \"{word}\"]\n"),
    );
    let run = run_in(sb.path(), &["scan", "--config", "gl.toml", "."]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("error: gl.toml:3: gitleaks config: allowlist stopword 2: "),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("size limit"), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}
