//! gitleaks configurations (`--config .gitleaks.toml`), through the real binary: every rule field,
//! every allowlist field and condition, `[extend]`, `minVersion`, and the fields sprawl refuses.

use crate::git::{Repo, ALICE};
use crate::support::*;

/// (path, line, rule, secret) of each finding (run with `--no-redact`).
fn found(r: &Report) -> Vec<(String, u32, String, String)> {
    r.findings
        .iter()
        .map(|f| (f.path.clone(), f.line, f.rule_id.clone(), f.secret.clone()))
        .collect()
}

/// Scans `sb` with the gitleaks config `config` (secrets shown), which must find something.
fn scan_finding(sb: &Sandbox, config: &str) -> (Run, Report) {
    let (run, r) = scan_json(sb.path(), &["--no-redact", "--config", config, "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    (run, r)
}

/// Scans `repo`'s history with the gitleaks config `text` (kept outside the repository), which must
/// find something.
fn scan_history_finding(repo: &Repo, text: &str) -> Report {
    let cfg = Sandbox::new();
    cfg.file("gl.toml", text);
    let config = cfg.join("gl.toml");
    let (run, r) = scan_json(
        repo.path(),
        &["--git", "--config", config.to_str().unwrap(), "."],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    r
}

fn row(path: &str, line: u32, rule: &str, secret: &str) -> (String, u32, String, String) {
    (path.into(), line, format!("gitleaks.{rule}"), secret.into())
}

/// Every rule field: `regex`, the default secret group (the first group that matched), `secretGroup`,
/// `entropy` (strictly above, as gitleaks), `keywords`, `tags`, `path` with a regex, a path-only rule and
/// a rule without keywords. No `[extend]`: only the file's rules run, as in gitleaks.
const RULES: &str = r#"
title = "rules of every kind"
minVersion = "v8.25.0"

[[rules]]
id = "acme-key"
description = "Acme key"
regex = '''acme_(?:live|test)_([a-z0-9]{16})'''
entropy = 3.0
keywords = ["acme_"]
tags = ["acme", "key"]

[[rules]]
id = "pair"
regex = '''(tok|key)=(zz[0-9]{10})'''
secretGroup = 2
keywords = ["tok=", "key="]

[[rules]]
id = "either"
regex = '''(?:a1=(x[0-9]{8})|b2=(y[0-9]{8}))'''
keywords = ["a1=", "b2="]

[[rules]]
id = "php-secret"
regex = '''phpsecret\s*=\s*'([A-Za-z0-9]{16})''''
path = '''(?i)\.php$'''
keywords = ["phpsecret"]

[[rules]]
id = "java-keystore"
description = "A Java keystore file"
path = '''(?:^|/)[^/]+\.jks$'''

[[rules]]
id = "No Keywords"
regex = '''NK-[A-Z0-9]{12}'''
"#;

#[test]
fn every_rule_field_is_honoured() {
    let sb = Sandbox::new();
    sb.file("gl.toml", RULES)
        .file(
            "app.env",
            "A=acme_live_q8w7e6r5t4y3u2i1\n\
             B=acme_test_aaaaaaaaaaaaaaaa\n\
             C=acme_test_abcdefghabcdefgh\n\
             tok=zz7302958164\n\
             a1=x73029581 b2=y87654321\n\
             phpsecret = 'Q8w7E6r5T4y3U2i1'\n\
             NK-Q8W7E6R5T4Y3\n",
        )
        .file("web/index.php", "$phpsecret = 'Z9x8C7v6B5n4M3l2';\n")
        .file("keys/release.jks", "\u{fe}\u{ed}keystore")
        .file("token.txt", format!("{GH1}\n"));
    let (run, r) = scan_finding(&sb, "gl.toml");
    assert_eq!(
        found(&r),
        vec![
            // B's value has no entropy; C's has exactly 3 bits a character, which gitleaks drops too.
            row("app.env", 1, "acme-key", "q8w7e6r5t4y3u2i1"),
            row("app.env", 4, "pair", "zz7302958164"),
            row("app.env", 5, "either", "x73029581"),
            row("app.env", 5, "either", "y87654321"),
            // Line 6 is not in a .php file: the rule does not apply there.
            row("app.env", 7, "no-keywords", "NK-Q8W7E6R5T4Y3"),
            row(
                "keys/release.jks",
                1,
                "java-keystore",
                "sha256:36aad49038d41f5ef9d164ead857f4f77b96643d76cf7f6303fe63105d25cea6",
            ),
            row("web/index.php", 1, "php-secret", "Z9x8C7v6B5n4M3l2"),
        ]
    );
    // Without `[extend] useDefault = true` the built-in rules do not run: the GitHub token is not found.
    assert_eq!(r.findings[0].provider, "gitleaks");
    assert_eq!(
        r.findings[5].rule_id, "gitleaks.java-keystore",
        "a path-only rule reports the file"
    );
    assert_eq!(run.stderr, "sprawl: using config gl.toml\n");
}

/// Every allowlist field: the old `[rules.allowlist]` and `[[rules.allowlists]]`, `condition = "AND"`
/// and `"OR"`, `regexTarget` `secret` (the default, and written out), `match` and `line`, `regexes`,
/// `paths`, `stopwords`; top-level `[allowlist]` and `[[allowlists]]` with `targetRules`. Each
/// suppressed finding is counted.
const ALLOWLISTS: &str = r#"
title = "allowlists of every kind"

[[rules]]
id = "acme-key"
regex = '''acme_key\s*=\s*"?(ak_[a-z0-9]{16})'''
keywords = ["acme_key"]
[rules.allowlist]
stopwords = ["ZEBRA"]

[[rules]]
id = "beta-token"
regex = '''beta_token\s*[:=]\s*(bt_[a-z0-9]{16})'''
keywords = ["beta_token"]
[[rules.allowlists]]
description = "a value documented in the docs, allowed only there"
condition = "AND"
paths = ['''^docs/''']
regexes = ['''^bt_doc''']
[[rules.allowlists]]
regexTarget = "match"
regexes = ['''beta_token: bt_''']
[[rules.allowlists]]
regexTarget = "line"
regexes = ['''(?i)\bnot a secret\b''']

[[rules]]
id = "gamma-secret"
regex = '''gamma_secret=(gs_[a-z0-9]{16})'''
keywords = ["gamma_secret"]

[allowlist]
description = "global"
regexTarget = "secret"
paths = ['''(?:^|/)vendor/''']
regexes = ['''^gs_0000''']

[[allowlists]]
targetRules = ["gamma-secret"]
condition = "OR"
stopwords = ["Mango"]
"#;

#[test]
fn every_allowlist_field_and_condition_is_honoured() {
    let sb = Sandbox::new();
    sb.file("gl.toml", ALLOWLISTS)
        .file(
            "app.env",
            "acme_key = \"ak_q8w7e6r5t4y3u2i1\"\n\
             acme_key = \"ak_zebraq8w7e6r5t4y\"\n\
             beta_token=bt_docq8w7e6r5t4y3u\n\
             beta_token: bt_m1n2b3v4c5x6z7l8\n\
             beta_token=bt_z9x8c7v6b5n4m3l2 # Not a secret: a test vector\n\
             beta_token=bt_p0o9i8u7y6t5r4e3\n\
             gamma_secret=gs_0000q8w7e6r5t4y3\n\
             gamma_secret=gs_mangoq8w7e6r5t4y\n\
             gamma_secret=gs_q8w7e6r5t4y3u2i1\n",
        )
        .file("docs/guide.md", "beta_token=bt_docq8w7e6r5t4y3u\n")
        .file("docs/other.md", "beta_token=bt_a1s2d3f4g5h6j7k8\n")
        .file("vendor/lib.env", "gamma_secret=gs_w1e2r3t4y5u6i7o8\n");
    let (_, r) = scan_finding(&sb, "gl.toml");
    assert_eq!(
        found(&r),
        vec![
            row("app.env", 1, "acme-key", "ak_q8w7e6r5t4y3u2i1"),
            // The documented value is allowed only under docs/ (AND), so here it is reported.
            row("app.env", 3, "beta-token", "bt_docq8w7e6r5t4y3u"),
            row("app.env", 6, "beta-token", "bt_p0o9i8u7y6t5r4e3"),
            row("app.env", 9, "gamma-secret", "gs_q8w7e6r5t4y3u2i1"),
            // Under docs/ but not the documented value: AND needs both.
            row("docs/other.md", 1, "beta-token", "bt_a1s2d3f4g5h6j7k8"),
        ]
    );
    // Stopword, match target, line target, global regex, targeted stopword, the documented value under docs/ (AND),
    // vendor/ path.
    assert_eq!(
        r.stats.suppressed,
        Suppressed {
            allowlist: 7,
            ..Default::default()
        }
    );
}

/// A targeted allowlist applies to its rules only. RE2 syntax that the `regex` crate spells
/// differently (`{{` as a literal, `[` inside a class), as gitleaks' own default configuration uses
/// it, is translated.
#[test]
fn target_rules_scope_a_top_level_allowlist_in_go_syntax() {
    let sb = Sandbox::new();
    sb.file(
        "gl.toml",
        r#"
[[rules]]
id = "one"
regex = '''one=(o[a-z0-9]{12})'''
keywords = ["one="]

[[rules]]
id = "two"
regex = '''two=(t[a-z0-9]{12})'''
keywords = ["two="]

[[allowlists]]
targetRules = ["one"]
regexTarget = "line"
regexes = ['''ignored''', '''\$?{{[^}]+}}''', '''[[]templated[]]''']
"#,
    )
    .file(
        "a.txt",
        "one=oq8w7e6r5t4y3 ignored\n\
         two=tq8w7e6r5t4y3 ignored\n\
         one=oa1s2d3f4g5h6 {{ vars.x }}\n\
         one=oz9x8c7v6b5n4 [templated]\n\
         one=om1n2b3v4c5x6\n",
    );
    let (_, r) = scan_finding(&sb, "gl.toml");
    assert_eq!(
        found(&r),
        vec![
            row("a.txt", 2, "two", "tq8w7e6r5t4y3"),
            row("a.txt", 5, "one", "om1n2b3v4c5x6")
        ]
    );
    assert_eq!(r.stats.suppressed.allowlist, 3);
}

/// `commits` allowlists findings introduced by the listed commits, alone (OR) or with a path (AND).
#[test]
fn commit_allowlists_apply_to_history() {
    let repo = Repo::init();
    repo.write("a.env", "gamma_secret=gs_q8w7e6r5t4y3u2i1\n")
        .write("b.env", "gamma_secret=gs_a1s2d3f4g5h6j7k8\n");
    let first = repo.commit("first", ALICE, 1);
    repo.write("c.env", "gamma_secret=gs_z9x8c7v6b5n4m3l2\n");
    let second = repo.commit("second", ALICE, 2);
    let r = scan_history_finding(
        &repo,
        &format!(
            r#"
[[rules]]
id = "gamma-secret"
regex = '''gamma_secret=(gs_[a-z0-9]{{16}})'''
keywords = ["gamma_secret"]
[[rules.allowlists]]
condition = "AND"
commits = ["{}"]
paths = ['''^a\.env$''']
"#,
            first.to_uppercase()
        ),
    );
    assert_eq!(
        commit_locations(&r),
        vec![
            ("b.env".into(), 1, 14, Some(first.clone())),
            ("c.env".into(), 1, 14, Some(second)),
        ]
    );
    assert_eq!(r.stats.suppressed.allowlist, 1);
}

#[test]
fn extend_use_default_means_the_built_in_rules() {
    let sb = Sandbox::new();
    sb.file("token.txt", format!("{GH1}\n"))
        .file(
            "with.toml",
            "[extend]\nuseDefault = true\n[[rules]]\nid = \"x\"\nregex = 'xx_[0-9]{8}'\n",
        )
        .file(
            "amended.toml",
            "[extend]\nuseDefault = true\n[[rules]]\nid = \"github.pat-classic\"\n[[rules.allowlists]]\nregexTarget = \"line\"\nregexes = ['^GH=']\n",
        )
        .file(
            "disabled.toml",
            "[extend]\nuseDefault = true\ndisabledRules = [\"github.pat-classic\", \"no-such-rule\"]\n",
        );
    let (run, r) = scan_json(sb.path(), &["--config", "with.toml", "token.txt"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        locations(&r),
        vec![("token.txt".into(), 1, 1, "github.pat-classic".into())]
    );
    // A rule with only allowlists that names a built-in rule amends it.
    sb.file("amend.txt", format!("GH={GH1}\nTOKEN={GH2}\n"));
    let (run, r) = scan_json(sb.path(), &["--config", "amended.toml", "amend.txt"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        locations(&r),
        vec![("amend.txt".into(), 2, 7, "github.pat-classic".into())]
    );
    assert_eq!(r.stats.suppressed.allowlist, 1);
    let (run, r) = scan_json(sb.path(), &["--config", "disabled.toml", "token.txt"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(r.findings.is_empty());
    assert_eq!(
        run.stderr,
        "warning: disabled.toml: [extend] disabledRules: `no-such-rule` is not a rule of the extended config nor a sprawl built-in rule (sprawl's built-in rules stand for gitleaks' default ones: list them with `sprawl rules list`)\nsprawl: using config disabled.toml\n"
    );
}

/// `[extend] path` merges another gitleaks config as gitleaks does: its rules are added unless
/// disabled, a rule in both takes the extending file's fields and both files' keywords and allowlists,
/// and allowlists are appended. Relative paths are taken from the extending file's directory.
#[test]
fn extend_path_merges_the_base_config() {
    let sb = Sandbox::new();
    sb.file(
        "cfg/base.toml",
        r#"
[[rules]]
id = "shared"
description = "base description"
regex = '''sh_[a-z0-9]{12}'''
keywords = ["sh_"]
[[rules.allowlists]]
stopwords = ["basestop"]

[[rules]]
id = "dropped"
regex = '''dr_[a-z0-9]{12}'''

[[rules]]
id = "kept"
regex = '''kp_[a-z0-9]{12}'''

[[allowlists]]
paths = ['''^ignored/''']
"#,
    )
    .file(
        "cfg/top.toml",
        r#"
[extend]
path = "base.toml"
disabledRules = ["dropped"]

[[rules]]
id = "shared"
description = "top description"
regex = '''sh_[a-z0-9]{12}'''
[[rules.allowlists]]
stopwords = ["topstop"]
"#,
    )
    .file(
        "a.txt",
        "sh_q8w7e6r5t4y3 dr_q8w7e6r5t4y3 kp_q8w7e6r5t4y3\nsh_basestopq8w7 sh_topstopq8w7e\n",
    )
    .file("ignored/b.txt", "kp_a1s2d3f4g5h6\n");
    let (run, r) = scan_json(sb.path(), &["--no-redact", "--config", "cfg/top.toml", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let kinds: Vec<(String, String)> = r
        .findings
        .iter()
        .map(|f| (f.rule_id.clone(), f.secret.clone()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("gitleaks.shared".into(), "sh_q8w7e6r5t4y3".into()),
            ("gitleaks.kept".into(), "kp_q8w7e6r5t4y3".into()),
        ]
    );
    assert_eq!(r.stats.suppressed.allowlist, 3, "two stopwords, one path");
    let list = run_in(
        sb.path(),
        &[
            "rules",
            "list",
            "--format",
            "json",
            "--config",
            "cfg/top.toml",
        ],
    );
    let rules: Vec<serde_json::Value> = serde_json::from_str(&list.stdout).unwrap();
    let names: Vec<(&str, &str)> = rules
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r["name"].as_str().unwrap()))
        .collect();
    assert_eq!(
        names,
        vec![
            ("gitleaks.shared", "top description"),
            ("gitleaks.kept", "kept")
        ]
    );
}

#[test]
fn min_version_newer_than_the_known_syntax_is_a_warning() {
    let sb = Sandbox::new();
    sb.file("a.txt", "nothing\n")
        .file(
            "new.toml",
            "minVersion = \"v8.31.2\"\n[[rules]]\nid = \"x\"\nregex = 'xx_[0-9]{8}'\n",
        )
        .file("bad.toml", "minVersion = \"latest\"\n");
    let run = run_in(sb.path(), &["scan", "--config", "new.toml", "a.txt"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "warning: new.toml: minVersion v8.31.2 is newer than the gitleaks syntax sprawl knows (up to 8.30): fields it does not know are refused\nsprawl: using config new.toml\n"
    );
    let run = run_in(sb.path(), &["scan", "--config", "bad.toml", "a.txt"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: bad.toml:1: gitleaks config: minVersion: expected a version such as \"v8.25.0\"\n"
    );
}

/// What would change what is found and sprawl cannot honour is an error naming the file, the line and
/// the field.
#[test]
fn fields_sprawl_cannot_honour_are_errors_naming_them() {
    let sb = Sandbox::new();
    let rule = "[[rules]]\nid = \"k\"\nregex = '(k_[0-9]{8})'\n";
    for (snippet, message) in [
        (
            format!("{rule}[[rules.required]]\nid = \"other\"\n"),
            "gl.toml:1: gitleaks config: rule `k`: [[rules.required]] (composite rules) is not supported: write one rule per part",
        ),
        (
            format!("{rule}skipReport = true\n"),
            "gl.toml:1: gitleaks config: rule `k`: `skipReport` (parts of composite rules) is not supported",
        ),
        (
            "[extend]\nurl = \"https://example.com/gitleaks.toml\"\n".to_string(),
            "gl.toml:1: gitleaks config: [extend] url is not supported (gitleaks does not implement it either): use `path`",
        ),
        (
            format!("{rule}[[rules.allowlists]]\ncondition = \"XOR\"\nregexes = ['x']\n"),
            "gl.toml:4: gitleaks config: allowlist `condition` must be \"AND\" or \"OR\"",
        ),
        (
            format!("{rule}[[rules.allowlists]]\nregexTarget = \"file\"\nregexes = ['x']\n"),
            "gl.toml:4: gitleaks config: allowlist `regexTarget` must be \"secret\", \"match\" or \"line\"",
        ),
        (
            format!("{rule}[[rules.allowlists]]\ndescription = \"empty\"\n"),
            "gl.toml:4: gitleaks config: an allowlist needs at least one of `commits`, `paths`, `regexes`, `stopwords`",
        ),
        (
            format!("{rule}[[allowlists]]\ntargetRules = [\"nope\"]\nregexes = ['x']\n"),
            "gl.toml:4: gitleaks config: [[allowlists]] targetRules: rule `nope` does not exist",
        ),
        (
            "[extend]\nuseDefault = true\n[[rules]]\nid = \"generic-api-key\"\n[[rules.allowlists]]\nregexes = ['x']\n".to_string(),
            "gl.toml:3: gitleaks config: rule `generic-api-key`: no `regex` or `path`: a rule that only amends gitleaks' default rule of the same id has nothing to amend in sprawl (its built-in rules are not gitleaks'); give it a `regex`, name the sprawl rule it amends (`sprawl rules list`), or use a top-level [[allowlists]]",
        ),
        (
            "[[rules]]\nid = \"k\"\nregex = '(k_[0-9]{8})'\nsecretGroup = 3\n".to_string(),
            "gl.toml:1: gitleaks config: rule `k`: `secretGroup` 3 does not exist in the regex",
        ),
        (
            format!("{rule}[[rules.allowlists]]\npaths = ['(unclosed']\n"),
            "gl.toml:4: gitleaks config: allowlist `paths` 1: unclosed group (at character 1)",
        ),
        (
            "[extend]\npath = \"missing.toml\"\n".to_string(),
            "gl.toml:1: gitleaks config: [extend] path ",
        ),
        (
            "[[rules]]\nid = \"k\"\nregex = 'x'\nentropyy = 3\n".to_string(),
            "gl.toml:4:1: unknown field `entropyy`",
        ),
    ] {
        sb.file("gl.toml", &snippet);
        let run = run_in(sb.path(), &["scan", "--config", "gl.toml", "."]);
        assert_eq!(run.code, 2, "{snippet}");
        assert!(
            run.stderr.starts_with(&format!("error: {message}")),
            "{snippet}\n{}",
            run.stderr
        );
    }
}

/// gitleaks' own default configuration (`config/gitleaks.toml`, 222 rules in 8.30) loads and finds what
/// it should. Not in the repository (keep it lean): set `SPRAWL_GITLEAKS_DEFAULT_CONFIG` to its path to
/// run this check.
#[test]
fn gitleaks_default_config_loads_when_given() {
    let Some(path) = std::env::var_os("SPRAWL_GITLEAKS_DEFAULT_CONFIG") else {
        return;
    };
    let sb = Sandbox::new();
    sb.file("deploy/app.env", format!("GITHUB_TOKEN={GH1}\n"))
        .file("certs/client.p12", "\u{30}\u{82}pkcs12");
    let (run, r) = scan_json(sb.path(), &["--config", path.to_str().unwrap(), "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        locations(&r),
        vec![
            (
                "certs/client.p12".into(),
                1,
                1,
                "gitleaks.pkcs12-file".into()
            ),
            ("deploy/app.env".into(), 1, 14, "gitleaks.github-pat".into()),
        ]
    );
    let list = run_in(
        sb.path(),
        &[
            "rules",
            "list",
            "--format",
            "json",
            "--config",
            path.to_str().unwrap(),
        ],
    );
    let rules: Vec<serde_json::Value> = serde_json::from_str(&list.stdout).unwrap();
    assert_eq!(rules.len(), 222);
}

/// A path-only rule in history reports a blob at each commit that introduced it at a matching path, and
/// not where it sits under a name the rule does not match.
#[test]
fn path_only_rules_apply_to_history() {
    let repo = Repo::init();
    repo.write("keys/release.jks", "keystore one")
        .write("notes.txt", "nothing\n");
    let first = repo.commit("add keystore", ALICE, 1);
    repo.git(&["mv", "keys/release.jks", "keys/release.jks.bak"]);
    repo.write("ci/deploy.jks", "keystore one");
    let second = repo.commit("move it", ALICE, 2);
    let r = scan_history_finding(
        &repo,
        "[[rules]]\nid = \"java-keystore\"\npath = '''(?:^|/)[^/]+\\.jks$'''\n",
    );
    assert_eq!(
        commit_locations(&r),
        vec![
            ("ci/deploy.jks".into(), 1, 1, Some(second)),
            ("keys/release.jks".into(), 1, 1, Some(first)),
        ]
    );
    assert_eq!(r.credentials.len(), 1, "one file, one credential");
    assert_eq!(r.credentials[0].locations, 2);
    assert_eq!(r.credentials[0].removed, Some(false));
}
