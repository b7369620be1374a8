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
    let run = run_in(repo.path(), &["scan", "--git", "."]);
    assert_eq!(run.code, 1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[lines.len() - 4..],
        [
            "Top credentials by risk:",
            "  ghp_Mk…  github.pat-classic  2 locations  in HEAD  first seen 2024-01-03T12:00:00Z  owners: @org/team",
            "  ghp_us…  github.pat-classic  1 location  history only  first seen 2024-01-01T12:00:00Z  owners: alice@example.org",
            "Credentials per owner: @org/team 1 · alice@example.org 1",
        ]
    );
}
