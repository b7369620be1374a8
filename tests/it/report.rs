//! Output formats: every field of the JSON contract, JSONL, human blocks, redaction on and off.

use crate::support::*;

fn one_secret() -> Sandbox {
    let sb = Sandbox::new();
    sb.file(
        "deploy/.env",
        format!("# deploy\nAPP=web\nGITHUB_TOKEN={GH1}\n"),
    );
    sb
}

#[test]
fn json_report_has_every_field_of_the_contract() {
    let sb = one_secret();
    let (run, r) = scan_json(sb.path(), &["."]);
    assert_eq!(run.code, 1);
    assert_eq!(r.schema_version, 1);
    assert_eq!(r.tool.name, "sprawl");
    assert_eq!(r.tool.version, env!("CARGO_PKG_VERSION"));
    assert_eq!(r.findings.len(), 1);
    let f = &r.findings[0];
    assert_eq!(f.rule_id, "github.pat-classic");
    assert_eq!(f.provider, "github");
    assert_eq!(f.confidence, "high");
    assert_eq!(f.secret, "ghp_Mk…");
    assert_eq!(
        (f.path.as_str(), f.line, f.column, f.end_column),
        ("deploy/.env", 3, 14, 54)
    );
    assert_eq!(f.fingerprint.len(), 40);
    assert_eq!(f.commit, None);
    assert_eq!(f.author_name, None);
    assert_eq!(f.author_email, None);
    assert_eq!(f.commit_date, None);
    assert_eq!(f.commit_summary, None);
    assert!(f.owners.is_empty());
    assert_eq!(f.owner_source, None);
    assert_eq!(f.validity.status, "not_checked");
    assert_eq!(r.credentials.len(), 1);
    let c = &r.credentials[0];
    assert_eq!(
        (c.fingerprint.as_str(), c.rule_id.as_str(), c.locations),
        (f.fingerprint.as_str(), "github.pat-classic", 1)
    );
    assert_eq!(c.first_seen, None);
    assert_eq!(c.in_head, None);
    assert_eq!(c.governance, "ungoverned");
    assert!(c.owners.is_empty());
    assert_eq!(c.validity.status, "not_checked");
    assert_eq!((r.stats.files, r.stats.blobs, r.stats.commits), (1, 1, 0));
    assert_eq!(r.stats.bytes, 30 + GH1.len() as u64 + 1);
    assert!(r.errors.is_empty());
}

#[test]
fn fingerprint_is_stable_across_runs_and_directories() {
    let a = one_secret();
    let b = Sandbox::new();
    b.file("other/place.yml", format!("token: {GH1}\n"));
    let (_, ra) = scan_json(a.path(), &["."]);
    let (_, rb) = scan_json(b.path(), &["."]);
    assert_eq!(ra.findings[0].fingerprint, rb.findings[0].fingerprint);
}

#[test]
fn jsonl_writes_one_finding_per_line() {
    let sb = Sandbox::new();
    sb.file("a.env", format!("T={GH1}\n"))
        .file("b.env", format!("T={GH2}\n"));
    let run = run_in(sb.path(), &["scan", "--format", "jsonl", "."]);
    assert_eq!(run.code, 1);
    let lines: Vec<Finding> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is a finding"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        (lines[0].path.as_str(), lines[1].path.as_str()),
        ("a.env", "b.env")
    );
}

#[test]
fn human_report_has_location_redacted_secret_fix_and_summary() {
    let sb = one_secret();
    let run = run_in(sb.path(), &["scan", "."]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("GitHub"), "{}", run.stdout);
    assert!(run.stdout.contains("(github.pat-classic)"));
    assert!(run.stdout.contains("  where   deploy/.env:3:14\n"));
    assert!(run.stdout.contains("  secret  ghp_Mk…"));
    assert!(run.stdout.contains("  fix     "));
    assert!(
        run.stdout
            .contains("  revoke  https://github.com/settings/tokens\n"),
        "{}",
        run.stdout
    );
    assert!(run
        .stdout
        .contains("1 finding of 1 distinct credential · scanned 1 file"));
    assert!(
        !run.stdout.contains('\x1b'),
        "no colour when not a terminal"
    );
}

#[test]
fn secrets_are_redacted_in_every_format_unless_no_redact() {
    let sb = one_secret();
    for format in ["human", "json", "jsonl"] {
        let run = run_in(sb.path(), &["scan", "--format", format, "."]);
        assert_eq!(run.code, 1);
        assert!(!run.stdout.contains(GH1), "{format} leaks the secret");
        assert!(
            !run.stderr.contains(GH1),
            "{format} leaks the secret on stderr"
        );
        let run = run_in(sb.path(), &["scan", "--no-redact", "--format", format, "."]);
        assert!(
            run.stdout.contains(GH1),
            "{format} --no-redact shows the secret"
        );
    }
}

#[test]
fn output_file_receives_the_report() {
    let sb = one_secret();
    let out = sb.join("report.json");
    let run = run_in(
        sb.path(),
        &[
            "scan",
            "--format",
            "json",
            "-o",
            out.to_str().unwrap(),
            "deploy",
        ],
    );
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
    let r: Report = serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
    assert_eq!(r.findings[0].path, ".env");
}

#[test]
fn same_secret_in_three_files_is_one_credential_with_three_locations() {
    let sb = Sandbox::new();
    sb.file("a/.env", format!("GITHUB_TOKEN={GH1}\n"))
        .file("b/config.yml", format!("github:\n  token: {GH1}\n"))
        .file("c/main.py", format!("TOKEN = \"{GH1}\"\n"))
        .file("d/other.env", format!("GITHUB_TOKEN={GH2}\n"));
    let (_, r) = scan_json(sb.path(), &["."]);
    assert_eq!(
        locations(&r),
        vec![
            ("a/.env".into(), 1, 14, "github.pat-classic".into()),
            ("b/config.yml".into(), 2, 10, "github.pat-classic".into()),
            ("c/main.py".into(), 1, 10, "github.pat-classic".into()),
            ("d/other.env".into(), 1, 14, "github.pat-classic".into()),
        ]
    );
    let mut counts: Vec<usize> = r.credentials.iter().map(|c| c.locations).collect();
    counts.sort();
    assert_eq!(counts, vec![1, 3]);
}

#[test]
fn output_is_deterministic() {
    let sb = Sandbox::new();
    for i in 0..40 {
        sb.file(
            &format!("d{}/f{i}.env", i % 7),
            format!("X=1\nT={GH1}\nU={GH2}\n"),
        );
    }
    let strip = |s: String| -> String {
        s.lines()
            .filter(|l| !l.contains("duration_ms"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let a = run_in(sb.path(), &["scan", "--format", "json", "-j", "2", "."]);
    let b = run_in(sb.path(), &["scan", "--format", "json", "-j", "1", "."]);
    // Two runs that fail the same way are identical too: each must be a real report of every finding.
    for run in [&a, &b] {
        assert_eq!(run.code, 1, "{}", run.stderr);
        let r: Report = serde_json::from_str(&run.stdout).expect("a JSON report");
        assert_eq!(r.findings.len(), 80, "{}", run.stdout);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
    }
    assert_eq!(strip(a.stdout), strip(b.stdout));
}

/// What the default report holds back: counted by reason, named in the human summary with the flag that
/// shows it, reported by `--min-confidence low` or the config file's `min_confidence`, and an exit status
/// of 0 when everything found is held back.
#[test]
fn min_confidence_holds_back_and_counts_by_reason() {
    let sb = Sandbox::new();
    sb.file("deploy/.env", format!("GITHUB_TOKEN={GH1}\n"))
        .file("tests/app.env", "DB_PASSWORD=Vq8tLm2xR9pZ4wKc\n")
        .file(
            "docs/api.md",
            "curl -H 'Authorization: token ghp_16C7e42F292c6912E7710c838347Ae178B4a'\n",
        )
        .file("app.env", "SESSION_TOKEN=x-amz-s3session-token\n")
        .file("low.toml", "min_confidence = \"low\"\n");
    let (run, r) = scan_json(sb.path(), &["."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        locations(&r),
        vec![("deploy/.env".into(), 1, 14, "github.pat-classic".into())]
    );
    assert_eq!(
        r.stats.suppressed,
        Suppressed {
            test_fixture: 1,
            not_a_value: 1,
            documented_example: 1,
            ..Default::default()
        }
    );
    assert_eq!(r.credentials.len(), 1);
    let held = |r: &Report| -> Vec<(String, String, Option<String>)> {
        r.findings
            .iter()
            .map(|f| (f.path.clone(), f.confidence.clone(), f.held.clone()))
            .collect()
    };
    let all = vec![
        ("app.env".into(), "low".into(), Some("not_a_value".into())),
        ("deploy/.env".into(), "high".into(), None),
        (
            "docs/api.md".into(),
            "low".into(),
            Some("documented_example".into()),
        ),
        (
            "tests/app.env".into(),
            "low".into(),
            Some("test_fixture".into()),
        ),
    ];
    let (_, low) = scan_json(sb.path(), &["--min-confidence", "low", "."]);
    assert_eq!(held(&low), all);
    assert_eq!(low.stats.suppressed, Suppressed::default());
    let (_, from_config) = scan_json(sb.path(), &["--config", "low.toml", "."]);
    assert_eq!(held(&from_config), all);
    // The flag wins over the config file.
    let (_, high) = scan_json(
        sb.path(),
        &["--config", "low.toml", "--min-confidence", "high", "."],
    );
    assert_eq!(
        held(&high),
        vec![("deploy/.env".into(), "high".into(), None)]
    );
    let human = run_in(sb.path(), &["scan", "."]);
    assert!(
        human.stdout.contains(
            " · 3 held back (1 test fixture, 1 not a value, 1 documented example; \
             show with --min-confidence low)"
        ),
        "{}",
        human.stdout
    );
    let shown = run_in(sb.path(), &["scan", "--min-confidence", "low", "."]);
    assert!(
        shown
            .stdout
            .contains("  where   tests/app.env:1:13\n  secret  Vq8…   confidence low (held back: test fixture)\n"),
        "{}",
        shown.stdout
    );
    // CSV: the same findings as JSON.
    let csv = run_in(sb.path(), &["scan", "--format", "csv", "."]);
    assert_eq!(csv.stdout.lines().count(), 2, "{}", csv.stdout);
    // Only held-back findings: nothing reported, exit 0.
    let quiet = run_in(sb.path(), &["scan", "docs", "app.env"]);
    assert_eq!(quiet.code, 0, "{}", quiet.stdout);
}

#[test]
fn every_format_says_where_and_how_to_revoke_by_hand() {
    let sb = Sandbox::new();
    sb.file("ci.env", "GITLAB_TOKEN=glpat-HJVsKg6aKg7u86iGRcZI\n");
    let page = "https://gitlab.com/-/user_settings/personal_access_tokens";
    let cli = "glab token revoke --user @me <TOKEN_ID>";
    let human = run_in(sb.path(), &["scan", "."]);
    assert_eq!(human.code, 1);
    assert!(
        human
            .stdout
            .contains(&format!("  revoke  {page} (CLI: `{cli}`)\n")),
        "{}",
        human.stdout
    );
    let json = run_in(sb.path(), &["scan", "--format", "json", "."]);
    let report: Report = serde_json::from_str(&json.stdout).unwrap();
    let fix = "Revoke it in GitLab (User settings > Access tokens, \
               https://gitlab.com/-/user_settings/personal_access_tokens), then remove it from the \
               code and its git history.";
    assert_eq!(
        report.credentials[0].revoke,
        Some(RevokeByHand {
            page: page.into(),
            cli: Some(cli.into()),
            how: fix.into()
        })
    );
    let csv = run_in(sb.path(), &["scan", "--format", "csv", "."]);
    let row = csv.stdout.lines().nth(1).unwrap();
    assert!(row.ends_with(&format!(",{page},{cli}")), "{row}");
    let sarif = run_in(sb.path(), &["scan", "--format", "sarif", "."]);
    let log: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    let rule = &log["runs"][0]["tool"]["driver"]["rules"][0];
    assert_eq!(
        (
            rule["properties"]["revoke_page"].as_str(),
            rule["properties"]["revoke_cli"].as_str()
        ),
        (Some(page), Some(cli))
    );
    assert!(rule["help"]["text"].as_str().unwrap().contains(page));
}

/// A private key in test code or fixtures is a test key (TLS and SSH tests keep dozens): held back as
/// `test_fixture`. The same key anywhere else is reported.
#[test]
fn a_private_key_in_test_fixtures_is_held_back_and_elsewhere_reported() {
    let rules: toml::Table = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/privatekey.toml"),
    )
    .unwrap()
    .parse()
    .unwrap();
    let rsa = rules["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"].as_str() == Some("privatekey.rsa"))
        .unwrap();
    let key = rsa["examples"][0].as_str().unwrap();
    let sb = Sandbox::new();
    sb.file("deploy/server.key", key)
        .file("integration/fixtures/https/server.key", key)
        .file("pkg/tls/listener_test.go", format!("const key = `{key}`\n"));
    let (run, r) = scan_json(sb.path(), &["."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let reported: Vec<&str> = r.findings.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(reported, ["deploy/server.key"]);
    assert_eq!(
        r.stats.suppressed,
        Suppressed {
            test_fixture: 2,
            ..Default::default()
        }
    );
}
