//! Where users run it before a push: `sprawl hook install|uninstall` (a plain git hook) and the real
//! `pre-commit` tool with this repository's `.pre-commit-hooks.yaml`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::git::{Repo, ALICE};
use crate::support::*;

/// `git commit -m MSG` with hooks enabled; returns (success, stdout + stderr).
/// `path_prefix`: a directory put first on `PATH`; `pre_commit_home`: the pre-commit tool's cache.
fn try_commit(
    repo: &Repo,
    msg: &str,
    path_prefix: Option<&Path>,
    pre_commit_home: Option<&Path>,
) -> (bool, String) {
    let mut cmd = Command::new("git");
    cmd.current_dir(repo.path())
        .args(["-c", "commit.gpgsign=false", "commit", "-q", "-m", msg])
        .env("GIT_AUTHOR_NAME", ALICE.0)
        .env("GIT_AUTHOR_EMAIL", ALICE.1)
        .env("GIT_COMMITTER_NAME", ALICE.0)
        .env("GIT_COMMITTER_EMAIL", ALICE.1);
    if let Some(home) = pre_commit_home {
        cmd.env("PRE_COMMIT_HOME", home);
    }
    if let Some(dir) = path_prefix {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let mut paths = vec![dir.to_path_buf()];
        paths.extend(std::env::split_paths(&path));
        cmd.env("PATH", std::env::join_paths(paths).unwrap());
    }
    let out = cmd.output().unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn head_subject(repo: &Repo) -> String {
    repo.git(&["log", "-1", "--format=%s"])
}

#[test]
fn installed_hook_blocks_a_secret_passes_clean_commits_and_honours_sprawl_allow() {
    let repo = Repo::init();
    repo.write("README", "hello\n");
    repo.commit("init", ALICE, 1);
    let out = run_in(repo.path(), &["hook", "install"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let hook = repo.path().join(".git/hooks/pre-commit");
    assert!(
        out.stderr.starts_with("sprawl: installed "),
        "{}",
        out.stderr
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&hook).unwrap().permissions().mode() & 0o777,
            0o755
        );
    }

    repo.write("deploy/.env", &format!("TOKEN={GH1}\n"));
    repo.git(&["add", "-A"]);
    let (ok, output) = try_commit(&repo, "add token", None, None);
    assert!(!ok, "the commit must be blocked");
    assert!(output.contains("  where   deploy/.env:1:7\n"), "{output}");
    assert!(output.contains("(github.pat-classic)"), "{output}");
    assert!(output.contains("  secret  ghp_Mk…"), "{output}");
    assert!(!output.contains(GH1), "the secret is redacted");
    assert!(
        output.contains("Commit blocked: 1 credential in the staged changes."),
        "{output}"
    );
    assert!(output.contains("`sprawl:allow`"), "{output}");
    assert_eq!(head_subject(&repo), "init");

    repo.write(
        "deploy/.env",
        &format!("TOKEN={GH1}  # sprawl:allow test fixture\n"),
    );
    repo.git(&["add", "-A"]);
    let (ok, output) = try_commit(&repo, "allowed fixture", None, None);
    assert!(ok, "{output}");
    assert_eq!(output, "", "a clean commit is silent");

    repo.write("README", "hello again\n");
    repo.git(&["add", "-A"]);
    let (ok, output) = try_commit(&repo, "clean", None, None);
    assert!(ok, "{output}");
    assert_eq!(head_subject(&repo), "clean");

    let out = run_in(repo.path(), &["hook", "uninstall"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!hook.exists());
}

#[test]
fn install_refuses_a_foreign_hook_unless_forced_and_uninstall_restores_it() {
    let repo = Repo::init();
    let hook = repo.path().join(".git/hooks/pre-commit");
    std::fs::create_dir_all(hook.parent().unwrap()).unwrap();
    std::fs::write(&hook, "#!/bin/sh\necho theirs\n").unwrap();
    let out = run_in(repo.path(), &["hook", "install"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        format!(
            "error: {} exists and was not written by sprawl; left alone (use --force to replace it; it is kept as pre-commit.before-sprawl)\n",
            hook.display()
        )
    );
    assert_eq!(
        std::fs::read_to_string(&hook).unwrap(),
        "#!/bin/sh\necho theirs\n"
    );
    let out = run_in(repo.path(), &["hook", "uninstall"]);
    assert_eq!(out.code, 2, "a foreign hook is not removed");
    assert!(hook.exists());

    let out = run_in(repo.path(), &["hook", "install", "--force"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(std::fs::read_to_string(&hook)
        .unwrap()
        .contains("scan --staged"));
    // Installing again updates our own hook without --force.
    let out = run_in(repo.path(), &["hook", "install"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.starts_with("sprawl: updated "), "{}", out.stderr);
    let out = run_in(repo.path(), &["hook", "uninstall"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        std::fs::read_to_string(&hook).unwrap(),
        "#!/bin/sh\necho theirs\n"
    );
    let out = run_in(repo.path(), &["hook", "uninstall"]);
    assert_eq!(out.code, 2);
}

/// The `pre-commit` tool: `SPRAWL_TEST_PRE_COMMIT`, else the copy `scripts/test-tools.sh` installs under
/// `target/test-tools`, else `pre-commit` on `PATH`. The test fails (it is not skipped) when none runs.
fn pre_commit() -> PathBuf {
    let candidates = [
        std::env::var_os("SPRAWL_TEST_PRE_COMMIT").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-tools/bin/pre-commit")),
        Some(PathBuf::from("pre-commit")),
    ];
    for c in candidates.into_iter().flatten() {
        if Command::new(&c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            return c;
        }
    }
    panic!("the pre-commit tool is needed: run scripts/test-tools.sh (installs it into target/test-tools)");
}

#[test]
fn real_pre_commit_runs_the_sprawl_system_hook_from_this_repository() {
    let tool = pre_commit();
    // A hooks repository holding this checkout's `.pre-commit-hooks.yaml` (what `repo:` points at).
    let hooks = Repo::init();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"),
        hooks.path().join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    let rev = hooks.commit("hooks", ALICE, 1);

    let repo = Repo::init();
    repo.write(
        ".pre-commit-config.yaml",
        &format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: sprawl-system\n",
            hooks.path().display()
        ),
    );
    repo.commit("config", ALICE, 1);
    let cache = Sandbox::new();
    let run_tool = |args: &[&str]| {
        let out = Command::new(&tool)
            .current_dir(repo.path())
            .args(args)
            .env("PRE_COMMIT_HOME", cache.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "pre-commit {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run_tool(&["install"]);
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_sprawl")).parent().unwrap();
    let commit = |msg: &str| try_commit(&repo, msg, Some(bin_dir), Some(cache.path()));

    repo.write("app/settings.py", &format!("GITHUB_TOKEN = \"{GH2}\"\n"));
    repo.git(&["add", "-A"]);
    let (ok, output) = commit("add token");
    assert!(!ok, "blocked: {output}");
    assert!(
        output.contains("sprawl (secrets in staged changes)"),
        "{output}"
    );
    assert!(output.contains("Failed"), "{output}");
    assert!(
        output.contains("  where   app/settings.py:1:17\n"),
        "{output}"
    );
    assert!(output.contains("  secret  ghp_us…"), "{output}");
    assert!(!output.contains(GH2), "{output}");
    assert_eq!(head_subject(&repo), "config");

    repo.write(
        "app/settings.py",
        &format!("GITHUB_TOKEN = \"{GH2}\"  # sprawl:allow documented example\n"),
    );
    repo.git(&["add", "-A"]);
    let (ok, output) = commit("allowed");
    assert!(ok, "{output}");
    assert!(output.contains("Passed"), "{output}");

    repo.write("app/other.py", "x = 1\n");
    repo.git(&["add", "-A"]);
    let (ok, output) = commit("clean");
    assert!(ok, "{output}");
    assert_eq!(head_subject(&repo), "clean");
}
