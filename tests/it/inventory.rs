//! Age and the credential inventory: `last_seen`, `exposed_days`, removal from every ref, and the
//! `sprawl inventory` report (formats, grouping by owner, merging reports of several repositories).

use crate::git::{Repo, ALICE, BOB};
use crate::support::*;

const GH3: &str = "ghp_Zq7XwP2vLk9RtY4mNb6Hc3Jd8Fg5Sa1Ue0Oi";

fn history_json(repo: &Repo, today: &str) -> Report {
    let out = run_cmd(
        sprawl()
            .current_dir(repo.path())
            .env("SPRAWL_TODAY", today)
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
    let out = std::process::Command::new("git")
        .current_dir(repo.path())
        .args([
            "-c",
            "commit.gpgsign=false",
            "merge",
            "-q",
            "--no-ff",
            "-m",
            "merge cleanup",
            "cleanup",
        ])
        .env("GIT_AUTHOR_NAME", ALICE.0)
        .env("GIT_AUTHOR_EMAIL", ALICE.1)
        .env("GIT_COMMITTER_NAME", ALICE.0)
        .env("GIT_COMMITTER_EMAIL", ALICE.1)
        .env("GIT_AUTHOR_DATE", "2024-01-09T12:00:00+00:00")
        .env("GIT_COMMITTER_DATE", "2024-01-09T12:00:00+00:00")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
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
}
