//! Age and the credential inventory: `last_seen`, `exposed_days`, removal from every ref, and the
//! `sprawl inventory` report (formats, grouping by owner, merging reports of several repositories).

use crate::git::{Repo, ALICE, BOB};
use crate::support::*;

const GH3: &str = "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";

fn history_json(repo: &Repo, today: &str) -> Report {
    let out = run_cmd(
        sprawl()
            .current_dir(repo.path())
            .env("SPRAWL_NOW", today)
            .args(["scan", "--format", "json", "--git", "."]),
        None,
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap()
}

fn credential<'r>(r: &'r Report, secret_prefix: &str) -> &'r Credential {
    let fp = &r
        .findings
        .iter()
        .find(|f| f.secret.starts_with(secret_prefix))
        .unwrap_or_else(|| panic!("no finding for {secret_prefix}"))
        .fingerprint;
    r.credentials.iter().find(|c| &c.fingerprint == fp).unwrap()
}

#[test]
fn age_removed_everywhere_still_in_head_and_only_on_a_branch() {
    let repo = Repo::init();
    // GH1: added day 1, copied day 3, removed from one file day 5 and from the other day 7.
    repo.write("a.env", &format!("T={GH1}\n"));
    repo.commit("add a", ALICE, 1);
    repo.write("keep.env", &format!("T={GH2}\n"));
    repo.commit("add keep", ALICE, 2);
    repo.write("b.yml", &format!("token: {GH1}\n"));
    repo.commit("copy to b", BOB, 3);
    repo.write("a.env", "T=${TOKEN}\n");
    repo.commit("scrub a", BOB, 5);
    repo.git(&["rm", "-q", "b.yml"]);
    repo.commit("drop b", ALICE, 7);
    // GH3: only on an unmerged branch off main's tip, committed with an older date (day 4).
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("feat.env", &format!("T={GH3}\n"));
    repo.commit("feature", BOB, 4);
    repo.git(&["checkout", "-q", "main"]);

    let r = history_json(&repo, "2024-02-01");
    let gone = credential(&r, "ghp_Mk");
    assert_eq!(gone.locations, 2);
    assert_eq!(gone.first_seen.as_deref(), Some("2024-01-01T12:00:00Z"));
    assert_eq!(gone.removed, Some(true));
    assert_eq!(gone.in_head, Some(false));
    assert_eq!(gone.last_seen.as_deref(), Some("2024-01-07T12:00:00Z"));
    assert_eq!(gone.exposed_days, Some(6));

    let kept = credential(&r, "ghp_us");
    assert_eq!(kept.removed, Some(false));
    assert_eq!(kept.in_head, Some(true));
    // The newest tip holding it is main (day 7; the feature tip is day 4).
    assert_eq!(kept.last_seen.as_deref(), Some("2024-01-07T12:00:00Z"));
    // 2024-01-02 12:00 to 2024-02-01 00:00: 29.5 days.
    assert_eq!(kept.exposed_days, Some(29));

    let branch = credential(&r, "ghp_Zq");
    assert_eq!(branch.in_head, Some(false));
    assert_eq!(branch.removed, Some(false));
    assert_eq!(branch.last_seen.as_deref(), Some("2024-01-04T12:00:00Z"));
    assert_eq!(branch.exposed_days, Some(27));
}

#[test]
fn age_counts_a_removal_by_merge_and_a_removal_inside_a_vanished_directory() {
    let repo = Repo::init();
    repo.write("deep/er/x.env", &format!("T={GH1}\n"));
    repo.write("README", "hi\n");
    repo.commit("base", ALICE, 1);
    // A branch deletes the whole directory; main keeps it until the branch is merged on day 9.
    repo.git(&["checkout", "-q", "-b", "cleanup"]);
    repo.git(&["rm", "-q", "-r", "deep"]);
    repo.commit("remove deep", BOB, 3);
    repo.git(&["checkout", "-q", "main"]);
    repo.write("README", "hello\n");
    repo.commit("edit readme", ALICE, 5);
    repo.git_as(
        ALICE,
        9,
        &["merge", "-q", "--no-ff", "-m", "merge cleanup", "cleanup"],
    );
    repo.git(&["branch", "-q", "-D", "cleanup"]);
    let r = history_json(&repo, "2024-03-01");
    let c = credential(&r, "ghp_Mk");
    assert_eq!(c.removed, Some(true));
    // The merge dropped it from main after the branch commit (day 3) did on the branch.
    assert_eq!(c.last_seen.as_deref(), Some("2024-01-09T12:00:00Z"));
    assert_eq!(c.exposed_days, Some(8));
}

#[test]
fn directory_scans_have_no_age() {
    let sb = Sandbox::new();
    sb.file("a.env", format!("T={GH1}\n"));
    let (_, r) = scan_json(sb.path(), &["."]);
    let c = &r.credentials[0];
    assert_eq!(
        (
            c.first_seen.as_deref(),
            c.last_seen.as_deref(),
            c.exposed_days,
            c.removed
        ),
        (None, None, None, None)
    );
    assert_eq!(r.findings[0].repository, None);
    // The governance view says so rather than printing a number of days.
    let out = run_cmd(
        sprawl()
            .current_dir(sb.path())
            .args(["inventory", "--by", "owner", "."]),
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let fp = &c.fingerprint[..12];
    assert_eq!(
        out.stdout,
        format!(
            "(no owner): 1 credential: 0 live, 0 in HEAD, greatest severity unknown, age unknown\n\
             \x20 1. unknown  not_checked  github  ghp_Mk…  age unknown  files  {fp}\n\
             \x20    at      a.env\n\
             \x20    reach   not checked (--validate --blast-radius)\n\
             \x20    revoke  https://github.com/settings/tokens\n"
        )
    );
}

/// Two repositories sharing GH1 (and A also holding GH2), each scanned to its own JSON report.
struct TwoRepos {
    _a: Repo,
    _b: Repo,
    dir: Sandbox,
    fp1: String,
    fp2: String,
}

fn two_repos() -> TwoRepos {
    let a = Repo::init();
    a.git(&[
        "remote",
        "add",
        "origin",
        "https://deploy:s3cr3t-pass@example.com/org/a.git",
    ]);
    a.write("a.env", &format!("T={GH1}\n"));
    a.commit("add a", ALICE, 1);
    a.write("keep.env", &format!("T={GH2}\n"));
    a.commit("add keep", ALICE, 2);
    let b = Repo::init();
    b.git(&["remote", "add", "origin", "git@example.com:org/b.git"]);
    b.write("config/b.yml", &format!("token: {GH1}\n"));
    b.commit("copy", BOB, 3);
    let dir = Sandbox::new();
    for (repo, name) in [(&a, "a.json"), (&b, "b.json")] {
        let out = run_cmd(
            sprawl()
                .current_dir(repo.path())
                .env("SPRAWL_NOW", "2024-01-10")
                .args(["scan", "--format", "json", "--git", ".", "-o"])
                .arg(dir.join(name)),
            None,
        );
        assert_eq!(out.code, 1, "{}", out.stderr);
    }
    let ra: Report =
        serde_json::from_str(&std::fs::read_to_string(dir.join("a.json")).unwrap()).unwrap();
    let fp = |prefix: &str| {
        ra.findings
            .iter()
            .find(|f| f.secret.starts_with(prefix))
            .unwrap()
            .fingerprint
            .clone()
    };
    let (fp1, fp2) = (fp("ghp_Mk"), fp("ghp_us"));
    assert_eq!(
        ra.findings[0].repository.as_deref(),
        Some("https://example.com/org/a.git"),
        "the clone URL's credentials are not reported"
    );
    TwoRepos {
        _a: a,
        _b: b,
        dir,
        fp1,
        fp2,
    }
}

fn inventory(dir: &Sandbox, args: &[&str]) -> Run {
    run_cmd(
        sprawl()
            .current_dir(dir.path())
            .env("SPRAWL_NOW", "2024-02-01")
            .arg("inventory")
            .args(args),
        None,
    )
}

#[test]
fn merging_two_repositories_reports_gives_one_row_per_credential_json() {
    let t = two_repos();
    let out = inventory(&t.dir, &["--from", "a.json", "b.json", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "sprawl: merged 2 reports\n");
    let got: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let a = "https://example.com/org/a.git";
    let b = "git@example.com:org/b.git";
    let fix = "Revoke it at https://github.com/settings/tokens (or the owning app/org settings), then remove it from the code and its git history.";
    let expected = serde_json::json!({
        "schema_version": 1,
        "credentials": [
            {
                "fingerprint": t.fp1, "rule_id": "github.pat-classic", "provider": "github",
                "secret": "ghp_Mk…", "owners": ["alice@example.org", "bob@example.org"],
                "locations": {"findings": 2, "files": 2, "commits": 2, "repositories": 2},
                "repositories": [b, a],
                "files": [{"repository": b, "path": "config/b.yml"}, {"repository": a, "path": "a.env"}],
                "first_seen": "2024-01-01T12:00:00Z", "last_seen": "2024-01-03T12:00:00Z",
                "exposed_days": 30, "in_head": true, "removed": false, "place": "head",
                "validity": {"status": "not_checked", "offline": "checksum_ok"}, "governance": "ungoverned",
                "severity": "unknown", "severity_reason": "not checked (--validate --blast-radius)",
                "revoke": {"page": "https://github.com/settings/tokens", "how": fix}
            },
            {
                "fingerprint": t.fp2, "rule_id": "github.pat-classic", "provider": "github",
                "secret": "ghp_us…", "owners": ["alice@example.org"],
                "locations": {"findings": 1, "files": 1, "commits": 1, "repositories": 1},
                "repositories": [a],
                "files": [{"repository": a, "path": "keep.env"}],
                "first_seen": "2024-01-02T12:00:00Z", "last_seen": "2024-01-02T12:00:00Z",
                "exposed_days": 29, "in_head": true, "removed": false, "place": "head",
                "validity": {"status": "not_checked", "offline": "checksum_ok"}, "governance": "ungoverned",
                "severity": "unknown", "severity_reason": "not checked (--validate --blast-radius)",
                "revoke": {"page": "https://github.com/settings/tokens", "how": fix}
            }
        ]
    });
    assert_eq!(got, expected);
    // A directory of reports merges the same way.
    let out = inventory(&t.dir, &["--from", ".", "--format", "json"]);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out.stdout).unwrap(),
        expected
    );
}

#[test]
fn inventory_markdown_and_csv_are_exact() {
    let t = two_repos();
    let (s1, s2) = (&t.fp1[..12], &t.fp2[..12]);
    let out = inventory(
        &t.dir,
        &["--from", "a.json", "b.json", "--format", "markdown"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        format!(
            "| provider | secret | owners | files × commits × repos | first seen | exposed days | where | validity | severity | governance | fingerprint |\n\
             |---|---|---|---|---|---|---|---|---|---|---|\n\
             | github | ghp\\_Mk… | alice@example.org, bob@example.org | 2 × 2 × 2 | 2024-01-01 | 30 | head | not\\_checked | unknown | ungoverned | {s1} |\n\
             | github | ghp\\_us… | alice@example.org | 1 × 1 × 1 | 2024-01-02 | 29 | head | not\\_checked | unknown | ungoverned | {s2} |\n"
        )
    );
    let out = inventory(
        &t.dir,
        &[
            "--from", "a.json", "b.json", "--format", "csv", "-o", "inv.csv",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "");
    assert_eq!(
        std::fs::read_to_string(t.dir.join("inv.csv")).unwrap(),
        format!(
            "provider,rule_id,secret,owners,findings,files,commits,repositories,first_seen,last_seen,exposed_days,where,validity,governance,fingerprint,severity,severity_reason,revoke_page,revoke_cli\n\
             github,github.pat-classic,ghp_Mk…,alice@example.org bob@example.org,2,2,2,2,2024-01-01T12:00:00Z,2024-01-03T12:00:00Z,30,head,not_checked,ungoverned,{},unknown,not checked (--validate --blast-radius),https://github.com/settings/tokens,\n\
             github,github.pat-classic,ghp_us…,alice@example.org,1,1,1,1,2024-01-02T12:00:00Z,2024-01-02T12:00:00Z,29,head,not_checked,ungoverned,{},unknown,not checked (--validate --blast-radius),https://github.com/settings/tokens,\n",
            t.fp1, t.fp2
        )
    );
}

#[test]
fn inventory_by_owner_leads_each_owner_with_what_to_revoke() {
    let t = two_repos();
    let (s1, s2) = (&t.fp1[..12], &t.fp2[..12]);
    let out = inventory(
        &t.dir,
        &[
            "--from", "a.json", "b.json", "--by", "owner", "--format", "markdown",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let head = "| severity | validity | provider | secret | exposed days | where | locations | reach | revoke | fingerprint |\n\
                |---|---|---|---|---|---|---|---|---|---|\n";
    let row = |secret: &str, days: u32, locations: &str, fp: &str| {
        format!(
            "| unknown | not\\_checked | github | {secret} | {days} | head | {locations} | \
             not checked \\(--validate --blast-radius\\) | https://github.com/settings/tokens | {fp} |\n"
        )
    };
    let gh1 = row("ghp\\_Mk…", 30, "b:config/b.yml, a:a.env", s1);
    let gh2 = row("ghp\\_us…", 29, "a:keep.env", s2);
    assert_eq!(
        out.stdout,
        format!(
            "## alice@example.org\n\n\
             2 credentials: 0 live, 2 in HEAD, greatest severity unknown, oldest first seen 2024-01-01 (exposed up to 30 days)\n\n\
             {head}{gh1}{gh2}\n\
             ## bob@example.org\n\n\
             1 credential: 0 live, 1 in HEAD, greatest severity unknown, oldest first seen 2024-01-01 (exposed up to 30 days)\n\n\
             {head}{gh1}"
        )
    );
    let out = inventory(&t.dir, &["--from", "a.json", "b.json", "--by", "owner"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let block = |n: u32, secret: &str, days: u32, fp: &str, at: &str| {
        format!(
            "  {n}. unknown  not_checked  github  {secret}  exposed {days} days  head  {fp}\n\
             \x20    at      {at}\n\
             \x20    reach   not checked (--validate --blast-radius)\n\
             \x20    revoke  https://github.com/settings/tokens\n"
        )
    };
    assert_eq!(
        out.stdout,
        format!(
            "alice@example.org: 2 credentials: 0 live, 2 in HEAD, greatest severity unknown, oldest first seen 2024-01-01 (exposed up to 30 days)\n\
             {}{}\n\
             bob@example.org: 1 credential: 0 live, 1 in HEAD, greatest severity unknown, oldest first seen 2024-01-01 (exposed up to 30 days)\n\
             {}",
            block(1, "ghp_Mk…", 30, s1, "b:config/b.yml, a:a.env"),
            block(2, "ghp_us…", 29, s2, "a:keep.env"),
            block(1, "ghp_Mk…", 30, s1, "b:config/b.yml, a:a.env"),
        )
    );
    let out = inventory(
        &t.dir,
        &[
            "--from", "a.json", "b.json", "--by", "owner", "--format", "json",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let got: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let owners: Vec<(&str, u64, &str, u64, Vec<&str>)> = got["owners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["owner"].as_str().unwrap(),
                o["credentials"].as_u64().unwrap(),
                o["max_severity"].as_str().unwrap(),
                o["max_exposed_days"].as_u64().unwrap(),
                o["by_risk"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c["fingerprint"].as_str().unwrap())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        owners,
        [
            (
                "alice@example.org",
                2,
                "unknown",
                30,
                vec![t.fp1.as_str(), t.fp2.as_str()]
            ),
            ("bob@example.org", 1, "unknown", 30, vec![t.fp1.as_str()]),
        ]
    );
    assert_eq!(
        got["owners"][0]["by_risk"][0]["revoke"]["page"],
        "https://github.com/settings/tokens"
    );
    let out = inventory(
        &t.dir,
        &[
            "--from", "a.json", "b.json", "--by", "owner", "--format", "csv",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let row = |owner: &str, secret: &str, first: &str, days: u32, at: &str, fp: &str| {
        format!(
            "{owner},unknown,not_checked,github,github.pat-classic,{secret},{first},{days},head,{at},\
             not checked (--validate --blast-radius),https://github.com/settings/tokens,,{fp}\n"
        )
    };
    assert_eq!(
        out.stdout,
        format!(
            "owner,severity,validity,provider,rule_id,secret,first_seen,exposed_days,where,locations,reach,revoke_page,revoke_cli,fingerprint\n{}{}{}",
            row("alice@example.org", "ghp_Mk…", "2024-01-01T12:00:00Z", 30, "b:config/b.yml a:a.env", &t.fp1),
            row("alice@example.org", "ghp_us…", "2024-01-02T12:00:00Z", 29, "a:keep.env", &t.fp2),
            row("bob@example.org", "ghp_Mk…", "2024-01-01T12:00:00Z", 30, "b:config/b.yml a:a.env", &t.fp1),
        )
    );
}

#[test]
fn inventory_scans_directly_like_scan_and_reads_history() {
    let repo = Repo::init();
    repo.write("a.env", &format!("T={GH1}\n"));
    repo.commit("add", ALICE, 1);
    repo.write("a.env", "T=${TOKEN}\n");
    repo.commit("scrub", BOB, 4);
    let out = run_cmd(
        sprawl()
            .current_dir(repo.path())
            .env("SPRAWL_NOW", "2024-02-01")
            .args(["inventory", "--git", "."]),
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", out.stdout);
    let cols: Vec<&str> = lines[1]
        .split("  ")
        .filter(|c| !c.is_empty())
        .map(str::trim)
        .collect();
    assert_eq!(
        &cols[..10],
        &[
            "github",
            "ghp_Mk…",
            "alice@example.org",
            "1 × 1 × 1",
            "2024-01-01",
            "3",
            "history",
            "not_checked",
            "unknown",
            "ungoverned"
        ]
    );
    assert_eq!(lines[2], "1 credential: 0 live, 0 in HEAD");
}

#[test]
fn bad_reports_are_clear_errors_that_never_echo_content() {
    let sb = Sandbox::new();
    sb.file(
        "wrong.json",
        format!("{{\"schema_version\": 1, \"findings\": [{{\"rule_id\": \"{GH1}\"}}]}}"),
    )
    .file("broken.json", "{\"schema_version\": 1,")
    .file("future.json", "{\"schema_version\": 9}");
    for (file, message) in [
        (
            "wrong.json",
            "error: wrong.json: not a sprawl JSON report (`sprawl scan --format json`) (line 1, column 90)\n",
        ),
        ("broken.json", "error: broken.json: not valid JSON (line 1, column 21)\n"),
        (
            "future.json",
            "error: future.json: report schema_version 9 is newer than this sprawl reads (1)\n",
        ),
    ] {
        let out = inventory(&sb, &["--from", file]);
        assert_eq!((out.code, out.stderr.as_str()), (2, message));
        assert!(!out.stderr.contains("ghp_"));
    }
}

/// The inventory lists every credential, held-back ones included (a password in a test file).
#[test]
fn inventory_scan_covers_held_back_findings() {
    let sb = Sandbox::new();
    sb.file("tests/app.env", "DB_PASSWORD=Vq8tLm2xR9pZ4wKc\n")
        .file("app/.env", format!("GITHUB_TOKEN={GH1}\n"));
    let out = inventory(&sb, &["--format", "json", "."]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let got: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let mut rules: Vec<&str> = got["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["rule_id"].as_str().unwrap())
        .collect();
    rules.sort();
    assert_eq!(rules, ["generic.password", "github.pat-classic"]);
}

/// A hand-edited or foreign report cannot put markup or terminal escapes into the governance view
/// through a credential's severity or validity: an unknown severity reads as `unknown`, the validity is
/// escaped like every other cell.
#[test]
fn the_governance_view_escapes_what_a_report_says_of_severity_and_validity() {
    let sb = Sandbox::new();
    let report = serde_json::json!({
        "schema_version": 1,
        "findings": [{"rule_id": "github.pat-classic", "provider": "github", "fingerprint": "fp-1",
                      "secret": "ghp_Mk…", "path": "a.env", "owners": ["@org/web"]}],
        "credentials": [{"fingerprint": "fp-1", "owners": ["@org/web"], "governance": "ungoverned",
                         "severity": "\u{1b}[2J| admin", "severity_reason": "x",
                         "validity": {"status": "live\u{1b}[31m|"}}],
    });
    sb.file("r.json", report.to_string());
    for format in ["human", "markdown"] {
        let out = inventory(
            &sb,
            &["--from", "r.json", "--by", "owner", "--format", format],
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(!out.stdout.contains('\u{1b}'), "{format}: {:?}", out.stdout);
        assert!(
            out.stdout.contains("greatest severity unknown"),
            "{format}: {}",
            out.stdout
        );
    }
    let out = inventory(&sb, &["--from", "r.json", "--by", "owner"]);
    assert!(
        out.stdout
            .contains("  1. unknown  live\\u{1b}[31m|  github"),
        "{}",
        out.stdout
    );
}
