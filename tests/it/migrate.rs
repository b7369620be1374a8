//! `sprawl baseline import`: a gitleaks JSON report, a `.gitleaksignore` and a detect-secrets
//! `.secrets.baseline` become a sprawl baseline that the next `scan --baseline` honours, end to end,
//! on real directories and a real git repository.

use crate::git::{Repo, ALICE};
use crate::support::*;

const GH3: &str = "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";
const PASSWORD: &str = "Vq8tLm2xR9pZ4wKc";

fn import(dir: &std::path::Path, args: &[&str]) -> Run {
    let mut all = vec!["baseline", "import", "-o", "accepted.json"];
    all.extend_from_slice(args);
    let mut cmd = sprawl();
    cmd.current_dir(dir)
        .env("SPRAWL_NOW", "2026-01-01")
        .args(&all);
    run_cmd(&mut cmd, None)
}

/// The tree a team scanned with gitleaks and detect-secrets: three accepted credentials, one new.
fn tree() -> Sandbox {
    let sb = Sandbox::new();
    sb.file("app.env", format!("# deploy\nGITHUB_TOKEN={GH1}\n"))
        .file(
            "svc/config.py",
            format!("\n\n\n\npassword = \"{PASSWORD}\"\n"),
        )
        .file("moved/settings.py", format!("TOKEN = \"{GH3}\"\n"))
        .file("new.env", format!("GITHUB_TOKEN={GH2}\n"));
    sb
}

#[test]
fn gitleaks_and_detect_secrets_files_become_a_baseline_the_next_scan_honours() {
    let sb = tree();
    let theirs = Sandbox::new();
    // As `gitleaks dir repo --redact --report-format json` writes it (paths as given, secret redacted).
    theirs.file(
        "gitleaks.json",
        r#"[
 {"RuleID": "github-pat", "Description": "GitHub PAT", "StartLine": 2, "EndLine": 2, "StartColumn": 14,
  "EndColumn": 53, "Match": "REDACTED", "Secret": "REDACTED", "File": "repo/app.env", "SymlinkFile": "",
  "Commit": "", "Entropy": 4.9, "Author": "", "Email": "", "Date": "", "Message": "", "Tags": [],
  "Fingerprint": "repo/app.env:github-pat:2"}
]"#,
    )
    .file(
        ".gitleaksignore",
        "# accepted in SEC-42\nsvc/config.py:generic-api-key:5\ngone.env:aws-access-token:1\n",
    )
    .file(
        ".secrets.baseline",
        format!(
            r#"{{"version": "1.5.0", "plugins_used": [{{"name": "GitHubTokenDetector"}}], "filters_used": [],
  "results": {{"settings.py": [{{"type": "GitHub Token", "filename": "settings.py",
    "hashed_secret": "{}", "is_verified": false, "line_number": 7}}]}},
  "generated_at": "2025-01-01T00:00:00Z"}}"#,
            sprawl::baseline::import::sha1_hex(GH3.as_bytes())
        ),
    );
    let from = |f: &str| theirs.join(f).display().to_string();
    let (a, b, c) = (
        from("gitleaks.json"),
        from(".gitleaksignore"),
        from(".secrets.baseline"),
    );
    let run = import(
        sb.path(),
        &[
            "--from", &a, "--from", &b, "--from", &c, "--reason", "SEC-42", ".",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        format!(
            "sprawl: {a} (gitleaks report): 1 of 1 entries matched a credential sprawl finds\n\
             sprawl: {b} (.gitleaksignore): 1 of 2 entries matched a credential sprawl finds\n\
             warning: {b}: not matched: gone.env:1 (aws-access-token)\n\
             sprawl: {c} (detect-secrets baseline): 1 of 1 entries matched a credential sprawl finds\n\
             sprawl: wrote 3 baseline entries to accepted.json\n"
        )
    );
    let text = std::fs::read_to_string(sb.join("accepted.json")).unwrap();
    assert!(!text.contains(GH1) && !text.contains(PASSWORD), "{text}");
    assert_eq!(text.matches("\"reason\":\"SEC-42\"").count(), 3, "{text}");

    let (run, r) = scan_json(sb.path(), &["--baseline", "accepted.json", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        locations(&r),
        vec![("new.env".into(), 1, 14, "github.pat-classic".into())]
    );
    assert_eq!(r.stats.suppressed.baseline, 3);
}

/// A gitleaks report with secrets shown matches only the secret it names, not another on its line;
/// importing again keeps what the baseline already holds.
#[test]
fn an_unredacted_gitleaks_secret_must_match_and_imports_add_up() {
    let sb = Sandbox::new();
    sb.file("two.env", format!("A={GH1} B={GH2}\n"));
    let theirs = Sandbox::new();
    theirs
        .file(
            "one.json",
            format!(r#"[{{"RuleID": "github-pat", "File": "two.env", "StartLine": 1, "Secret": "{GH2}"}}]"#),
        )
        .file(".gitleaksignore", "two.env:github-pat:1\n");
    let one = theirs.join("one.json").display().to_string();
    let run = import(sb.path(), &["--from", &one, "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (_, r) = scan_json(sb.path(), &["--baseline", "accepted.json", "."]);
    assert_eq!(
        locations(&r),
        vec![("two.env".into(), 1, 3, "github.pat-classic".into())]
    );
    let text = std::fs::read_to_string(sb.join("accepted.json")).unwrap();
    assert!(
        text.contains(&format!("\"reason\":\"imported from {one}\"")),
        "{text}"
    );
    // The ignore file names the line: both credentials on it, and the first import's entry stays.
    let ignore = theirs.join(".gitleaksignore").display().to_string();
    let run = import(sb.path(), &["--from", &ignore, "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (run, r) = scan_json(sb.path(), &["--baseline", "accepted.json", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(r.stats.suppressed.baseline, 2);
}

/// `commit:file:rule:line` fingerprints match history findings of that commit only.
#[test]
fn commit_fingerprints_match_history_findings_of_their_commit() {
    let repo = Repo::init();
    repo.write("app.env", &format!("GITHUB_TOKEN={GH1}\n"));
    let first = repo.commit("add token", ALICE, 1);
    repo.write("app.env", &format!("GITHUB_TOKEN={GH2}\n"));
    let second = repo.commit("rotate token", ALICE, 2);
    let theirs = Sandbox::new();
    theirs.file(
        ".gitleaksignore",
        format!(
            "{first}:app.env:github-pat:1\n{}:app.env:github-pat:1\n",
            &second[..7]
        ),
    );
    let ignore = theirs.join(".gitleaksignore").display().to_string();
    // Only the first commit's fingerprint: the second commit's token stays reported.
    theirs.file(".first-only", format!("{first}:app.env:github-pat:1\n"));
    let first_only = theirs.join(".first-only").display().to_string();
    let run = import(repo.path(), &["--from", &first_only, "--git", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (_, r) = scan_json(repo.path(), &["--git", "--baseline", "accepted.json", "."]);
    assert_eq!(
        commit_locations(&r),
        vec![("app.env".into(), 1, 14, Some(second.clone()))]
    );
    // Both (a short commit id matches too).
    let run = import(repo.path(), &["--from", &ignore, "--git", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (run, r) = scan_json(repo.path(), &["--git", "--baseline", "accepted.json", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(r.stats.suppressed.baseline, 2);
}

/// A scanned repository's own `.gitleaksignore` changes nothing unless the user names it.
#[test]
fn a_scanned_trees_own_gitleaksignore_is_not_read() {
    let sb = Sandbox::new();
    sb.file("app.env", format!("GITHUB_TOKEN={GH1}\n"))
        .file(".gitleaksignore", "app.env:github-pat:1\n")
        .file(".secrets.baseline", "{\"results\": {}}\n");
    let (run, r) = scan_json(sb.path(), &["."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        locations(&r),
        vec![("app.env".into(), 1, 14, "github.pat-classic".into())]
    );
}

#[test]
fn unreadable_or_foreign_files_are_errors_that_quote_nothing() {
    let sb = tree();
    sb.file("bad.json", format!("[{{\"File\": \"{GH1}\"\n"))
        .file("bad.ignore", format!("{GH1}\n"));
    let run = import(sb.path(), &["--from", "bad.json", "."]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: bad.json: not a gitleaks JSON report (line 2, column 0)\n"
    );
    let run = import(sb.path(), &["--from", "bad.ignore", "."]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: bad.ignore: line 1: not a gitleaks fingerprint (file:rule:line or commit:file:rule:line)\n"
    );
    assert!(!sb.join("accepted.json").exists());
}
