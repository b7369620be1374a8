//! History, range and staged scans on real repositories built in temp dirs, with exact assertions on
//! commit ids, paths, authors and dates.

use std::path::Path;
use std::process::Command;

use crate::support::*;

pub struct Repo {
    pub sb: Sandbox,
}

pub const ALICE: (&str, &str) = ("Alice Admin", "alice@example.org");
pub const BOB: (&str, &str) = ("Bob Builder", "bob@example.org");

impl Repo {
    pub fn init() -> Repo {
        let r = Repo { sb: Sandbox::new() };
        r.git(&["init", "-q", "-b", "main"]);
        r
    }

    pub fn path(&self) -> &Path {
        self.sb.path()
    }

    pub fn git(&self, args: &[&str]) -> String {
        git_in(self.path(), args)
    }

    pub fn write(&self, rel: &str, text: &str) -> &Repo {
        self.sb.file(rel, text);
        self
    }

    /// Stages everything and commits as `who` at `day` (2024-01-DD 12:00 UTC); returns the commit id.
    pub fn commit(&self, msg: &str, who: (&str, &str), day: u32) -> String {
        self.git(&["add", "-A"]);
        self.commit_staged(msg, who, day)
    }

    pub fn commit_staged(&self, msg: &str, who: (&str, &str), day: u32) -> String {
        self.git_as(who, day, &["commit", "-q", "--allow-empty", "-m", msg]);
        self.git(&["rev-parse", "HEAD"])
    }

    /// A bare clone of this repository at `dest` (a stand-in for a hosted repository); returns `dest`.
    pub fn bare_clone(&self, dest: &Path) -> std::path::PathBuf {
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        git_in(
            self.path(),
            &[
                "clone",
                "-q",
                "--bare",
                self.path().to_str().unwrap(),
                dest.to_str().unwrap(),
            ],
        );
        dest.to_path_buf()
    }

    /// Runs `git ARGS` as `who` at `day` (2024-01-DD 12:00 UTC), without signing; asserts success.
    pub fn git_as(&self, who: (&str, &str), day: u32, args: &[&str]) {
        let date = format!("2024-01-{day:02}T12:00:00+00:00");
        succeeds(
            Command::new("git")
                .current_dir(self.path())
                .args(["-c", "commit.gpgsign=false"])
                .args(args)
                .env("GIT_AUTHOR_NAME", who.0)
                .env("GIT_AUTHOR_EMAIL", who.1)
                .env("GIT_COMMITTER_NAME", who.0)
                .env("GIT_COMMITTER_EMAIL", who.1)
                .env("GIT_AUTHOR_DATE", &date)
                .env("GIT_COMMITTER_DATE", &date),
        );
    }
}

pub fn git_in(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn date(day: u32) -> String {
    format!("2024-01-{day:02}T12:00:00Z")
}

/// (path, commit, author email, line) of each finding.
fn prov(r: &Report) -> Vec<(String, String, String, u32)> {
    r.findings
        .iter()
        .map(|f| {
            (
                f.path.clone(),
                f.commit.clone().unwrap_or_default(),
                f.author_email.clone().unwrap_or_default(),
                f.line,
            )
        })
        .collect()
}

#[test]
fn secret_added_then_deleted_is_found_with_the_adding_commit() {
    let repo = Repo::init();
    repo.write("README.md", "hello\n");
    repo.commit("init", ALICE, 1);
    repo.write("deploy/.env", &format!("A=1\nGITHUB_TOKEN={GH1}\n"));
    let added = repo.commit("add deploy config", ALICE, 2);
    std::fs::remove_file(repo.sb.join("deploy/.env")).unwrap();
    repo.commit("remove secret", BOB, 3);
    let (run, r) = scan_json(repo.path(), &["--git", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        prov(&r),
        vec![("deploy/.env".into(), added.clone(), ALICE.1.into(), 2)]
    );
    let f = &r.findings[0];
    assert_eq!(f.author_name.as_deref(), Some(ALICE.0));
    assert_eq!(f.commit_date.as_deref(), Some("2024-01-02T12:00:00Z"));
    assert_eq!(f.commit_summary.as_deref(), Some("add deploy config"));
    assert_eq!(f.column, 14);
    assert_eq!(r.credentials.len(), 1);
    assert_eq!(
        r.credentials[0].first_seen.as_deref(),
        Some("2024-01-02T12:00:00Z")
    );
    assert_eq!(r.credentials[0].in_head, Some(false));
    assert_eq!(r.stats.commits, 3);
    // README, .env: two unique blobs.
    assert_eq!(r.stats.blobs, 2);
    let human = run_in(repo.path(), &["scan", "--git", "."]);
    assert!(
        human.stdout.contains("scanned 3 commits, 2 unique blobs"),
        "{}",
        human.stdout
    );
}

#[test]
fn secret_on_an_unmerged_branch_is_found() {
    let repo = Repo::init();
    repo.write("a.txt", "a\n");
    repo.commit("init", ALICE, 1);
    repo.git(&["checkout", "-q", "-b", "experiment"]);
    repo.write("exp.py", &format!("TOKEN = '{GH1}'\n"));
    let c = repo.commit("try things", BOB, 2);
    repo.git(&["checkout", "-q", "main"]);
    repo.write("b.txt", "b\n");
    repo.commit("more", ALICE, 3);
    let (_, r) = scan_json(repo.path(), &["--git", "."]);
    assert_eq!(prov(&r), vec![("exp.py".into(), c, BOB.1.into(), 1)]);
    assert_eq!(r.credentials[0].in_head, Some(false));
}

#[test]
fn secret_in_a_merge_resolution_belongs_to_the_merge_commit() {
    let repo = Repo::init();
    repo.write("app.conf", "key = base\n");
    repo.commit("init", ALICE, 1);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("app.conf", "key = feature\n");
    repo.commit("feature value", BOB, 2);
    repo.git(&["checkout", "-q", "main"]);
    repo.write("app.conf", "key = main\n");
    repo.commit("main value", ALICE, 3);
    let merge = Command::new("git")
        .current_dir(repo.path())
        .args(["merge", "-q", "feature"])
        .output()
        .unwrap();
    assert!(!merge.status.success(), "the merge must conflict");
    repo.write("app.conf", &format!("key = resolved\ntoken = {GH1}\n"));
    let m = repo.commit("merge feature", ALICE, 4);
    let (_, r) = scan_json(repo.path(), &["--git", "."]);
    assert_eq!(prov(&r), vec![("app.conf".into(), m, ALICE.1.into(), 2)]);
    assert_eq!(r.credentials[0].in_head, Some(true));
}

#[test]
fn renamed_file_is_a_second_location_of_the_same_credential() {
    let repo = Repo::init();
    repo.write("old.env", &format!("T={GH1}\n"));
    let c1 = repo.commit("add", ALICE, 1);
    repo.git(&["mv", "old.env", "new.env"]);
    let c2 = repo.commit("rename", BOB, 2);
    let (_, r) = scan_json(repo.path(), &["--git", "."]);
    assert_eq!(
        prov(&r),
        vec![
            ("new.env".into(), c2, BOB.1.into(), 1),
            ("old.env".into(), c1, ALICE.1.into(), 1)
        ]
    );
    assert_eq!(r.credentials.len(), 1);
    assert_eq!(r.credentials[0].locations, 2);
    assert_eq!(r.credentials[0].in_head, Some(true));
    assert_eq!(r.stats.blobs, 1, "one blob, scanned once");
}

#[test]
fn secret_copied_later_by_another_author_is_one_credential_two_locations() {
    let repo = Repo::init();
    repo.write("svc/.env", &format!("GITHUB_TOKEN={GH1}\n"));
    let c1 = repo.commit("svc config", ALICE, 5);
    repo.write("ci/deploy.yml", &format!("env:\n  GH_TOKEN: {GH1}\n"));
    let c2 = repo.commit("ci", BOB, 9);
    let (_, r) = scan_json(repo.path(), &["--git", "."]);
    assert_eq!(
        prov(&r),
        vec![
            ("ci/deploy.yml".into(), c2, BOB.1.into(), 2),
            ("svc/.env".into(), c1, ALICE.1.into(), 1)
        ]
    );
    assert_eq!(r.credentials.len(), 1);
    assert_eq!(r.credentials[0].locations, 2);
    assert_eq!(
        r.credentials[0].first_seen.as_deref(),
        Some(date(5).as_str())
    );
}

#[test]
fn a_blob_present_in_three_commits_is_scanned_once() {
    let repo = Repo::init();
    repo.write("secret.env", &format!("T={GH1}\n"))
        .write("notes.txt", "v1\n");
    let c1 = repo.commit("one", ALICE, 1);
    repo.write("notes.txt", "v2\n");
    repo.commit("two", ALICE, 2);
    repo.write("notes.txt", "v3\n");
    repo.commit("three", ALICE, 3);
    let (_, r) = scan_json(repo.path(), &["--git", "."]);
    assert_eq!(prov(&r), vec![("secret.env".into(), c1, ALICE.1.into(), 1)]);
    assert_eq!((r.stats.commits, r.stats.blobs), (3, 4));
}

#[test]
fn secrets_in_commit_and_tag_messages_are_found() {
    let repo = Repo::init();
    repo.write("a.txt", "a\n");
    let c = repo.commit(&format!("temporary: use {GH1} for the deploy"), ALICE, 1);
    Command::new("git")
        .current_dir(repo.path())
        .args([
            "-c",
            "tag.gpgsign=false",
            "tag",
            "-a",
            "v1.0",
            "-m",
            &format!("release token {GH2}"),
        ])
        .env("GIT_COMMITTER_NAME", BOB.0)
        .env("GIT_COMMITTER_EMAIL", BOB.1)
        .env("GIT_COMMITTER_DATE", "2024-01-02T12:00:00+00:00")
        .status()
        .unwrap();
    let tag = repo.git(&["rev-parse", "v1.0"]);
    let (_, r) = scan_json(repo.path(), &["--git", "."]);
    assert_eq!(
        prov(&r),
        vec![
            ("<commit-message>".into(), c, ALICE.1.into(), 1),
            ("<tag-message:v1.0>".into(), tag, BOB.1.into(), 1),
        ]
    );
    assert_eq!(r.findings[1].commit_summary.as_deref(), Some("v1.0"));
}

#[test]
fn empty_repository_reports_nothing() {
    let repo = Repo::init();
    let (run, r) = scan_json(repo.path(), &["--git", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(r.findings.is_empty() && r.errors.is_empty());
    assert_eq!((r.stats.commits, r.stats.blobs), (0, 0));
}

#[test]
fn missing_object_is_a_warning_and_the_rest_is_scanned() {
    let repo = Repo::init();
    repo.write("keep.env", &format!("T={GH1}\n"))
        .write("lost.txt", "this blob will vanish\n");
    let c = repo.commit("init", ALICE, 1);
    let lost = repo.git(&["rev-parse", "HEAD:lost.txt"]);
    std::fs::remove_file(
        repo.sb
            .join(&format!(".git/objects/{}/{}", &lost[..2], &lost[2..])),
    )
    .unwrap();
    let (run, r) = scan_json(repo.path(), &["--git", "."]);
    assert_eq!(run.code, 1);
    assert_eq!(prov(&r), vec![("keep.env".into(), c, ALICE.1.into(), 1)]);
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert_eq!(r.errors[0].path, format!("blob {lost}"));
    assert!(
        r.errors[0].message.contains("not found"),
        "{}",
        r.errors[0].message
    );
}

#[test]
fn range_scans_only_what_the_pull_request_adds() {
    let repo = Repo::init();
    repo.write("base.env", &format!("T={GH1}\n"));
    repo.commit("base has an old secret", ALICE, 1);
    repo.git(&["checkout", "-q", "-b", "pr"]);
    repo.write("feature.py", &format!("KEY = \"{GH2}\"\n"));
    let p1 = repo.commit("feature", BOB, 2);
    repo.write("other.txt", "x\n");
    repo.commit("more", BOB, 3);
    let (run, r) = scan_json(repo.path(), &["--git", "--range", "main..pr", "."]);
    assert_eq!(run.code, 1);
    assert_eq!(prov(&r), vec![("feature.py".into(), p1, BOB.1.into(), 1)]);
    assert_eq!(r.stats.commits, 2);
    // A PR that adds nothing: clean, even though the base has a secret.
    repo.git(&["checkout", "-q", "-b", "clean", "main"]);
    repo.write("docs.md", "docs\n");
    repo.commit("docs", BOB, 4);
    let (run, r) = scan_json(repo.path(), &["--git", "--range", "main..clean", "."]);
    assert_eq!(run.code, 0);
    assert!(r.findings.is_empty());
}

#[test]
fn range_with_unknown_revision_is_a_clear_error() {
    let repo = Repo::init();
    repo.write("a", "a\n");
    repo.commit("init", ALICE, 1);
    let run = run_in(
        repo.path(),
        &["scan", "--git", "--range", "deadbeef..main", "."],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot resolve `deadbeef`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("fetch-depth: 0"), "{}", run.stderr);
    let run = run_in(repo.path(), &["scan", "--range", "a..b", "."]);
    assert_eq!(run.code, 2, "--range needs --git");
}

#[test]
fn staged_reports_only_staged_changes() {
    let repo = Repo::init();
    repo.write("config.env", &format!("OLD={GH1}\n"));
    repo.commit("init", ALICE, 1);
    // Staged: a new line with a new secret in a file whose old secret is already committed.
    repo.write("config.env", &format!("OLD={GH1}\nNEW=1\n"));
    repo.write("new.env", &format!("\n\nTOKEN={GH2}\n"));
    repo.git(&["add", "config.env", "new.env"]);
    // Unstaged: a secret in the working tree only.
    repo.write("unstaged.env", &format!("T={GH2}\n"));
    let (run, r) = scan_json(repo.path(), &["--staged"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        locations(&r),
        vec![("new.env".into(), 3, 7, "github.pat-classic".into())]
    );
    assert_eq!(r.findings[0].commit, None);
}

#[test]
fn staged_in_a_fresh_repository_without_commits() {
    let repo = Repo::init();
    repo.write("app/settings.py", &format!("TOKEN = '{GH1}'\n"));
    repo.git(&["add", "."]);
    let (run, r) = scan_json(repo.path(), &["--staged"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        locations(&r),
        vec![("app/settings.py".into(), 1, 10, "github.pat-classic".into())]
    );
    let clean = Repo::init();
    assert_eq!(run_in(clean.path(), &["scan", "--staged"]).code, 0);
}

#[test]
fn bare_repository_history_is_scanned() {
    let repo = Repo::init();
    repo.write("x.env", &format!("T={GH1}\n"));
    let c = repo.commit("init", ALICE, 1);
    let bare = Sandbox::new();
    git_in(
        bare.path(),
        &[
            "clone",
            "-q",
            "--bare",
            repo.path().to_str().unwrap(),
            "r.git",
        ],
    );
    let (run, r) = scan_json(bare.path(), &["--git", "r.git"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(prov(&r), vec![("x.env".into(), c, ALICE.1.into(), 1)]);
}

#[test]
fn not_a_repository_is_exit_2() {
    let sb = Sandbox::new();
    let run = run_in(sb.path(), &["scan", "--git", "."]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("error: .: not a git repository"),
        "{}",
        run.stderr
    );
}

#[test]
fn range_works_on_a_shallow_clone_deep_enough_for_it() {
    let repo = Repo::init();
    for day in 1..=5 {
        repo.write("log.txt", &format!("entry {day}\n"));
        repo.commit(&format!("c{day}"), ALICE, day);
    }
    repo.write("pr.env", &format!("T={GH1}\n"));
    let pr = repo.commit("pr", BOB, 6);
    let shallow = Sandbox::new();
    let url = format!("file://{}", repo.path().display());
    git_in(shallow.path(), &["clone", "-q", "--depth", "2", &url, "s"]);
    let dir = shallow.join("s");
    assert_eq!(
        git_in(&dir, &["rev-parse", "--is-shallow-repository"]),
        "true"
    );
    let (run, r) = scan_json(&dir, &["--git", "--range", "HEAD~1..HEAD", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(prov(&r), vec![("pr.env".into(), pr, BOB.1.into(), 1)]);
    assert_eq!(r.stats.commits, 1);
    // Deeper than the clone: a clear error naming the revision.
    let run = run_in(&dir, &["scan", "--git", "--range", "HEAD~4..HEAD", "."]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot resolve `HEAD~4`"),
        "{}",
        run.stderr
    );
}

#[test]
fn regression_missing_parent_on_one_ref_does_not_empty_the_scan() {
    let repo = Repo::init();
    repo.write("main.env", &format!("T={GH1}\n"));
    let main = repo.commit("main secret", ALICE, 1);
    // A branch whose commit names a parent that does not exist.
    let tree = repo.git(&["rev-parse", "HEAD^{tree}"]);
    let body = format!(
        "tree {tree}\nparent 1111111111111111111111111111111111111111\nauthor B <b@x> 1700000000 +0000\ncommitter B <b@x> 1700000000 +0000\n\norphaned\n"
    );
    std::fs::write(repo.sb.join("commit.txt"), body).unwrap();
    let broken = repo.git(&[
        "hash-object",
        "-t",
        "commit",
        "-w",
        "--literally",
        "commit.txt",
    ]);
    std::fs::remove_file(repo.sb.join("commit.txt")).unwrap();
    repo.git(&["update-ref", "refs/heads/broken", &broken]);
    let (run, r) = scan_json(repo.path(), &["--git", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // The orphaned commit has the same tree; with its parent missing, whether it introduced the file
    // is unknown: no commit, author or date, and the provenance says why.
    let mut found = prov(&r);
    found.sort_by(|a, b| a.2.cmp(&b.2));
    assert_eq!(
        found,
        vec![
            ("main.env".into(), String::new(), String::new(), 1),
            ("main.env".into(), main, ALICE.1.into(), 1),
        ]
    );
    let unknown: Vec<_> = r
        .findings
        .iter()
        .filter_map(|f| f.provenance.clone())
        .collect();
    assert_eq!(
        unknown,
        vec![format!("unknown (objects missing before {broken})")]
    );
    assert_eq!(r.credentials.len(), 1);
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert_eq!(
        r.errors[0].path,
        "commit 1111111111111111111111111111111111111111"
    );
}

#[test]
fn regression_tag_pointing_at_a_blob_is_scanned() {
    let repo = Repo::init();
    repo.write("a.txt", "a\n");
    repo.commit("init", ALICE, 1);
    std::fs::write(repo.sb.join("loose.env"), format!("T={GH1}\n")).unwrap();
    let blob = repo.git(&["hash-object", "-w", "loose.env"]);
    std::fs::remove_file(repo.sb.join("loose.env")).unwrap();
    repo.git(&["tag", "keyblob", &blob]);
    let (run, r) = scan_json(repo.path(), &["--git", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        locations(&r),
        vec![(
            "<ref:refs/tags/keyblob>".into(),
            1,
            3,
            "github.pat-classic".into()
        )]
    );
    assert_eq!(r.findings[0].commit, None);
}

#[test]
fn regression_staged_honours_git_index_file() {
    let repo = Repo::init();
    repo.write("a.env", "A=1\n");
    repo.commit("init", ALICE, 1);
    // What `git commit -a` does: stage into a temporary index named by GIT_INDEX_FILE.
    repo.write("a.env", &format!("A=1\nT={GH1}\n"));
    let tmp_index = repo.sb.join(".git/index.tmp");
    std::fs::copy(repo.sb.join(".git/index"), &tmp_index).unwrap();
    let out = Command::new("git")
        .current_dir(repo.path())
        .args(["add", "a.env"])
        .env("GIT_INDEX_FILE", &tmp_index)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        run_in(repo.path(), &["scan", "--staged"]).code,
        0,
        "the real index has nothing staged"
    );
    let run = run_cmd(
        sprawl()
            .current_dir(repo.path())
            .env("GIT_INDEX_FILE", &tmp_index)
            .args(["scan", "--staged", "--format", "json"]),
        None,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let r: Report = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        locations(&r),
        vec![("a.env".into(), 2, 3, "github.pat-classic".into())]
    );
}

#[test]
fn regression_secret_in_commit_message_is_not_printed_anywhere_by_default() {
    let repo = Repo::init();
    repo.write("x.env", &format!("T={GH2}\n"));
    repo.commit(&format!("oops {GH1}"), ALICE, 1);
    for format in ["json", "jsonl", "human"] {
        let run = run_in(repo.path(), &["scan", "--git", "--format", format, "."]);
        assert_eq!(run.code, 1);
        for secret in [GH1, GH2] {
            assert!(!run.stdout.contains(secret), "{format} prints a secret");
            assert!(
                !run.stderr.contains(secret),
                "{format} prints a secret on stderr"
            );
        }
    }
    let (_, r) = scan_json(repo.path(), &["--git", "."]);
    let summaries: Vec<_> = r
        .findings
        .iter()
        .map(|f| f.commit_summary.clone().unwrap())
        .collect();
    assert_eq!(summaries, vec!["oops ghp_Mk…", "oops ghp_Mk…"]);
}

#[test]
fn config_path_allowlist_applies_to_history_findings() {
    let repo = Repo::init();
    repo.write("fixtures/token.env", &format!("T={GH1}\n"))
        .write("app.env", &format!("T={GH2}\n"));
    repo.commit("init", ALICE, 1);
    let cfg = Sandbox::new();
    cfg.file("sprawl.toml", "[allowlist]\npaths = [\"fixtures/**\"]\n");
    let cfg_path = cfg.join("sprawl.toml");
    let (_, r) = scan_json(
        repo.path(),
        &["--git", "--config", cfg_path.to_str().unwrap(), "."],
    );
    assert_eq!(
        locations(&r),
        vec![("app.env".into(), 1, 3, "github.pat-classic".into())]
    );
}
