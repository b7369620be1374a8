//! Owners: CODEOWNERS (GitHub's locations, order and semantics) and the commit-author fallback.

use crate::git::{Repo, ALICE, BOB};
use crate::support::*;

fn owners_by_path(r: &Report) -> Vec<(String, Vec<String>, Option<String>)> {
    r.findings
        .iter()
        .map(|f| (f.path.clone(), f.owners.clone(), f.owner_source.clone()))
        .collect()
}

#[test]
fn codeowners_in_dot_github_wins_over_root_and_last_line_wins() {
    let sb = Sandbox::new();
    sb.file("CODEOWNERS", "* @root-file-is-ignored\n")
        .file(
            ".github/CODEOWNERS",
            "*            @org/platform\n/deploy/     @org/sre @alice\n*.py         @org/python\ndeploy/generated/\n",
        )
        .file("deploy/prod.env", format!("T={GH1}\n"))
        .file("deploy/generated/ci.env", format!("T={GH1}\n"))
        .file("tools/run.py", format!("T = '{GH2}'\n"));
    let (_, r) = scan_json(sb.path(), &["."]);
    let codeowners = Some("codeowners".to_string());
    assert_eq!(
        owners_by_path(&r),
        vec![
            ("deploy/generated/ci.env".into(), vec![], None),
            (
                "deploy/prod.env".into(),
                vec!["@org/sre".into(), "@alice".into()],
                codeowners.clone()
            ),
            (
                "tools/run.py".into(),
                vec!["@org/python".into()],
                codeowners
            ),
        ]
    );
    let gh1 = r.credentials.iter().find(|c| c.locations == 2).unwrap();
    assert_eq!(
        gh1.owners,
        vec!["@alice".to_string(), "@org/sre".to_string()]
    );
}

#[test]
fn history_uses_head_codeowners_then_the_commit_author() {
    let repo = Repo::init();
    repo.write("svc/a.env", &format!("T={GH1}\n"));
    let c1 = repo.commit("one", ALICE, 1);
    repo.write("svc/b.yml", &format!("token: {GH1}\n"));
    repo.commit("two", BOB, 2);
    repo.write("other/c.py", &format!("T = '{GH1}'\n"));
    repo.commit("three", BOB, 3);
    repo.write(".github/CODEOWNERS", "/svc/ @org/svc-team\n");
    repo.commit("four: owners", ALICE, 4);
    let (_, r) = scan_json(repo.path(), &["--git", "."]);
    let team = Some("codeowners".to_string());
    assert_eq!(
        owners_by_path(&r),
        vec![
            (
                "other/c.py".into(),
                vec![BOB.1.to_string()],
                Some("commit_author".into())
            ),
            (
                "svc/a.env".into(),
                vec!["@org/svc-team".into()],
                team.clone()
            ),
            ("svc/b.yml".into(), vec!["@org/svc-team".into()], team),
        ]
    );
    assert_eq!(r.credentials.len(), 1);
    let c = &r.credentials[0];
    assert_eq!(c.locations, 3);
    assert_eq!(c.first_seen.as_deref(), Some("2024-01-01T12:00:00Z"));
    assert_eq!(
        c.owners,
        vec!["@org/svc-team".to_string(), BOB.1.to_string()]
    );
    assert_eq!(r.findings[1].commit.as_deref(), Some(c1.as_str()));
}

#[test]
fn human_summary_ends_with_top_credentials_by_risk_and_owner_counts() {
    let repo = Repo::init();
    repo.write("old.env", &format!("T={GH2}\n"));
    repo.commit("old secret", ALICE, 1);
    std::fs::remove_file(repo.sb.join("old.env")).unwrap();
    repo.commit("remove", ALICE, 2);
    repo.write("a.env", &format!("T={GH1}\n"))
        .write("b.env", &format!("T={GH1}\n"));
    repo.write("CODEOWNERS", "/a.env @org/team\n/b.env @org/team\n");
    repo.commit("current", BOB, 3);
    let run = run_cmd(
        sprawl()
            .current_dir(repo.path())
            .env("SPRAWL_NOW", "2024-02-01")
            .args(["scan", "--git", "."]),
        None,
    );
    assert_eq!(run.code, 1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[lines.len() - 4..],
        [
            "Top credentials by risk:",
            "  ghp_Mk…  github.pat-classic  2 locations  in HEAD  first seen 2024-01-03T12:00:00Z  exposed 28 days  owners: @org/team",
            "  ghp_us…  github.pat-classic  1 location  history only  first seen 2024-01-01T12:00:00Z  exposed 1 day  owners: alice@example.org",
            "Credentials per owner: @org/team 1 · alice@example.org 1",
        ]
    );
}

#[test]
fn inventory_owners_beat_codeowners_and_governance_uses_a_fixed_today() {
    let sb = Sandbox::new();
    sb.file("CODEOWNERS", "* @org/everyone\n")
        .file("deploy/prod.env", format!("T={GH1}\n"))
        .file("ci/build.env", format!("T={GH2}\n"))
        .file("misc/x.env", "K=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\n");
    let (_, r) = scan_json(sb.path(), &["."]);
    let fp_prod = r
        .findings
        .iter()
        .find(|f| f.path == "deploy/prod.env")
        .unwrap()
        .fingerprint
        .clone();
    sb.file(
        "inv.toml",
        format!(
            "[[credentials]]\nfingerprint = \"{fp_prod}\"\nowner = \"@org/payments\"\npurpose = \"payouts\"\n\
             created = \"2025-01-01\"\nexpires = \"2025-06-01\"\n\n\
             [[credentials]]\nrule = \"github.pat-classic\"\npath = \"ci/**\"\nowner = \"@org/ci\"\n\
             created = \"2025-01-01\"\nrotate_every = \"90d\"\n"
        ),
    );
    let run = |today: &str| -> Report {
        let out = run_cmd(
            sprawl()
                .current_dir(sb.path())
                .env("SPRAWL_NOW", today)
                .args([
                    "scan",
                    "--format",
                    "json",
                    "--inventory",
                    "inv.toml",
                    "deploy",
                    "ci",
                    "misc",
                ]),
            None,
        );
        assert_eq!(out.code, 1, "{}", out.stderr);
        serde_json::from_str(&out.stdout).unwrap()
    };
    // Scanning three roots: no single repository root, so no CODEOWNERS; inventory owners only.
    let r = run("2025-03-01");
    assert_eq!(
        owners_by_path(&r),
        vec![
            ("build.env".into(), vec![], None),
            (
                "prod.env".into(),
                vec!["@org/payments".into()],
                Some("inventory".into())
            ),
            ("x.env".into(), vec![], None),
        ]
    );
    let gov = |r: &Report| -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = r
            .credentials
            .iter()
            .map(|c| (c.owners.join(","), c.governance.clone()))
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        gov(&r),
        vec![
            ("".into(), "ungoverned".into()),
            ("".into(), "ungoverned".into()),
            ("@org/payments".into(), "governed".into())
        ]
    );
    assert_eq!(
        gov(&run("2025-06-01"))[2],
        ("@org/payments".into(), "expired".into())
    );
    // From the repository root, CODEOWNERS applies, but the inventory beats it; the glob entry matches.
    let out = run_cmd(
        sprawl()
            .current_dir(sb.path())
            .env("SPRAWL_NOW", "2025-04-01")
            .args(["scan", "--format", "json", "--inventory", "inv.toml", "."]),
        None,
    );
    let r: Report = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        owners_by_path(&r),
        vec![
            (
                "ci/build.env".into(),
                vec!["@org/ci".into()],
                Some("inventory".into())
            ),
            (
                "deploy/prod.env".into(),
                vec!["@org/payments".into()],
                Some("inventory".into())
            ),
            (
                "misc/x.env".into(),
                vec!["@org/everyone".into()],
                Some("codeowners".into())
            ),
        ]
    );
    assert_eq!(
        gov(&r),
        vec![
            ("@org/ci".into(), "rotation_overdue".into()),
            ("@org/everyone".into(), "ungoverned".into()),
            ("@org/payments".into(), "governed".into()),
        ]
    );
}
