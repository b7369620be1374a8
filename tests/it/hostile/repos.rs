//! Hostile repositories (issue 16 §1): shallow and partial clones, names and messages built to inject,
//! commands planted to run, and damaged object databases. Each repository is built by the test.

use super::{env_with, errors};
use crate::git::{git_in, Repo, ALICE, BOB};
use crate::support::*;

/// (path, commit, provenance, owners) of each finding.
fn provenance(r: &Report) -> Vec<(String, Option<String>, Option<String>, Vec<String>)> {
    r.findings
        .iter()
        .map(|f| {
            (
                f.path.clone(),
                f.commit.clone(),
                f.provenance.clone(),
                f.owners.clone(),
            )
        })
        .collect()
}

/// Alice adds GH1 in a.env (day 1); Bob adds filler (day 2), then GH2 in c.env (day 3). Returns the
/// repository and the three commits.
fn history() -> (Repo, [String; 3]) {
    let repo = Repo::init();
    repo.write("a.env", &env_with(GH1));
    let c1 = repo.commit("one", ALICE, 1);
    repo.write("b.txt", "filler\n");
    let c2 = repo.commit("two", BOB, 2);
    repo.write("c.env", &env_with(GH2));
    let c3 = repo.commit("three", BOB, 3);
    repo.git(&["config", "uploadpack.allowFilter", "true"]);
    (repo, [c1, c2, c3])
}

/// `git clone ARGS file://ORIGIN clone` in a new sandbox.
fn clone(origin: &Repo, args: &[&str]) -> Sandbox {
    let sb = Sandbox::new();
    let url = format!("file://{}", origin.path().display());
    let mut all = vec!["clone", "-q"];
    all.extend_from_slice(args);
    all.extend_from_slice(&[&url, "clone"]);
    git_in(sb.path(), &all);
    sb
}

#[test]
fn a_shallow_clone_does_not_credit_its_boundary_commit_with_what_came_before() {
    let (origin, [_, c2, c3]) = history();
    let sb = clone(&origin, &["--depth", "2"]);
    let (run, r) = scan_json(sb.path(), &["--git", "clone"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // GH1 was committed by Alice before the boundary: not Bob's, not introduced by c2, no date.
    assert_eq!(
        provenance(&r),
        vec![
            (
                "a.env".into(),
                None,
                Some(format!("unknown (shallow history before {c2})")),
                vec![]
            ),
            ("c.env".into(), Some(c3), None, vec![BOB.1.to_string()]),
        ]
    );
    assert_eq!(r.findings[0].author_email, None);
    assert_eq!(r.findings[0].commit_date, None);
    // (path of the credential's finding, first seen, has an age).
    let mut dates: Vec<(String, Option<String>, bool)> = r
        .credentials
        .iter()
        .map(|c| {
            let f = r.findings.iter().find(|f| f.fingerprint == c.fingerprint);
            (
                f.unwrap().path.clone(),
                c.first_seen.clone(),
                c.exposed_days.is_some(),
            )
        })
        .collect();
    dates.sort();
    assert_eq!(
        dates,
        vec![
            ("a.env".into(), None, false),
            ("c.env".into(), Some("2024-01-03T12:00:00Z".into()), true),
        ]
    );
    let warning = format!(
        "shallow clone: the history before commit {c2} is not in the repository, so credentials in its tree are reported with provenance unknown (no introducing commit, author or first-seen date); fetch the whole history (`git fetch --unshallow`, or actions/checkout with `fetch-depth: 0`)"
    );
    assert_eq!(
        errors(&r),
        vec![(
            format!("{}/clone/.git/", sb.path().display()),
            warning.clone()
        )]
    );
    assert_eq!(
        run.stderr.matches("shallow clone").count(),
        1,
        "{}",
        run.stderr
    );
    // The other reports say the same, and no commit.
    let human = run_in(sb.path(), &["scan", "--git", "clone"]);
    assert!(
        human.stdout.contains(&format!(
            "  commit  unknown (shallow history before {c2})\n"
        )),
        "{}",
        human.stdout
    );
    let github = run_in(sb.path(), &["scan", "--git", "--format", "github", "clone"]);
    let a_env = github
        .stdout
        .lines()
        .find(|l| l.contains("file=a.env"))
        .unwrap();
    assert!(
        a_env.contains(&format!(
            "Provenance unknown (shallow history before {c2})."
        )) && !a_env.contains("Introduced in"),
        "{a_env}"
    );
}

#[test]
fn a_depth_one_clone_names_no_introducer_owner_or_age() {
    let (origin, [_, _, c3]) = history();
    let sb = clone(&origin, &["--depth", "1"]);
    let (run, r) = scan_json(sb.path(), &["--git", "clone"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let unknown = Some(format!("unknown (shallow history before {c3})"));
    assert_eq!(
        provenance(&r),
        vec![
            ("a.env".into(), None, unknown.clone(), vec![]),
            ("c.env".into(), None, unknown, vec![]),
        ]
    );
    assert!(r
        .credentials
        .iter()
        .all(|c| c.first_seen.is_none() && c.exposed_days.is_none() && c.owners.is_empty()));
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    // A range inside the shallow history is read as usual.
    let (run, r) = scan_json(
        sb.path(),
        &["--git", "--range", &format!("{c3}..{c3}"), "clone"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
}

#[test]
fn a_partial_clone_without_old_trees_warns_once_per_tree_and_introduces_nothing_across_the_gap() {
    let (origin, [c1, c2, c3]) = history();
    let sb = clone(&origin, &["--filter=tree:0"]);
    let (run, r) = scan_json(sb.path(), &["--git", "clone"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // Only HEAD's trees were fetched (by the checkout): c3 is diffed against a parent tree that is
    // missing, so neither of its secrets is credited to it.
    let unknown = Some(format!("unknown (objects missing before {c3})"));
    assert_eq!(
        provenance(&r),
        vec![
            ("a.env".into(), None, unknown.clone(), vec![]),
            ("c.env".into(), None, unknown, vec![]),
        ]
    );
    let mut want: Vec<(String, String)> = [c1, c2]
        .iter()
        .map(|c| {
            let tree = origin.git(&["rev-parse", &format!("{c}^{{tree}}")]);
            (
                format!("tree {tree}"),
                format!("object not found - no match for id ({tree})"),
            )
        })
        .collect();
    want.sort();
    assert_eq!(errors(&r), want);
    assert_eq!(run.stderr.lines().count(), 2, "{}", run.stderr);
}
