//! Hostile repositories (issue 16 §1): shallow and partial clones, names and messages built to inject,
//! commands planted to run, and damaged object databases. Each repository is built by the test.

use super::{env_with, errors};
use crate::git::{git_in, Repo, ALICE, BOB};
use crate::support::*;

/// (path, commit, provenance, owners) of a finding.
type Provenance = (String, Option<String>, Option<String>, Vec<String>);

fn provenance(r: &Report) -> Vec<Provenance> {
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

const SHALLOW: &str = "shallow history";
const MISSING: &str = "objects missing";

/// The provenance of a finding whose introducing commit cannot be known: history stops at `commit`.
fn unknown(why: &str, commit: &str) -> Option<String> {
    Some(format!("unknown ({why} before {commit})"))
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
            ("a.env".into(), None, unknown(SHALLOW, &c2), vec![]),
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
    let unknown = unknown(SHALLOW, &c3);
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
    let unknown = unknown(MISSING, &c3);
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

/// `git hash-object -w --literally -t KIND` of `data` in `repo` (no checks: any tree git could be sent).
fn write_object(repo: &Repo, kind: &str, data: &[u8]) -> String {
    let mut child = std::process::Command::new("git")
        .current_dir(repo.path())
        .args(["hash-object", "-w", "--literally", "--stdin", "-t", kind])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(data).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// A tree object of (mode, name, id) entries, sorted as git sorts blob names.
fn tree_bytes(entries: &[(&str, &[u8], &str)]) -> Vec<u8> {
    let mut sorted = entries.to_vec();
    sorted.sort_by(|a, b| a.1.cmp(b.1));
    let mut out = Vec::new();
    for (mode, name, id) in sorted {
        out.extend_from_slice(format!("{mode} ").as_bytes());
        out.extend_from_slice(name);
        out.push(0);
        let raw: Vec<u8> = (0..20)
            .map(|i| u8::from_str_radix(&id[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        out.extend_from_slice(&raw);
    }
    out
}

/// Tree entry names a hostile pusher can write (git itself would refuse to check most of them out).
fn hostile_names() -> Vec<Vec<u8>> {
    let mut names: Vec<Vec<u8>> = [
        &b"../x"[..],
        b".git/config",
        b".git",
        b"/etc/passwd",
        b"line\nbreak.env",
        b"carriage\rreturn.env",
        b"tab\there.env",
        b"\x1b[31mred\x1b]0;title\x07.env",
        b"::error file=x::INJECTED%0A,y:z.env",
        b"%25%0A%3A.env",
        b"c1 \xc2\x9b2J \xc2\x85 bidi \xe2\x80\xae.env",
        b"invalid \xff\xfe utf8.env",
    ]
    .iter()
    .map(|n| n.to_vec())
    .collect();
    names.push(vec![b'n'; 4096]);
    names
}

/// Every line of `text` is free of control characters (each line is one line as printed).
fn no_control_characters(what: &str, text: &str) {
    for line in text.lines() {
        assert!(
            !line.chars().any(|c| c.is_control()),
            "{what}: a control character in {line:?}"
        );
    }
}

#[test]
fn hostile_tree_entry_names_messages_and_authors_keep_every_format_well_formed() {
    let repo = Repo::init();
    let blob = write_object(&repo, "blob", env_with(GH1).as_bytes());
    let names = hostile_names();
    let entries: Vec<(&str, &[u8], &str)> = names
        .iter()
        .map(|n| ("100644", &n[..], blob.as_str()))
        .collect();
    let tree = write_object(&repo, "tree", &tree_bytes(&entries));
    let message =
        format!("fix\n\n::error file=x::INJECTED%0A\x1b[2J\x1b]0;pwn\x07\r\nGITHUB_TOKEN={GH2}\n");
    let evil_name = "Eve \x1b]0;pwn\x07 ::warning::%0A";
    let evil_email = "eve\x1b[5m%3A@example.org";
    let out = std::process::Command::new("git")
        .current_dir(repo.path())
        .args(["commit-tree", &tree, "-m", &message])
        .env("GIT_AUTHOR_NAME", evil_name)
        .env("GIT_AUTHOR_EMAIL", evil_email)
        .env("GIT_COMMITTER_NAME", evil_name)
        .env("GIT_COMMITTER_EMAIL", evil_email)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let commit = String::from_utf8(out.stdout).unwrap().trim().to_string();
    repo.git(&["update-ref", "refs/heads/main", &commit]);
    repo.git_as(ALICE, 4, &["tag", "-a", "v1", "-m", &message, &commit]);

    let (run, r) = scan_json(repo.path(), &["--git", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let mut want: Vec<String> = names
        .iter()
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .chain(["<commit-message>".into(), "<tag-message:v1>".into()])
        .collect();
    want.sort();
    let mut paths: Vec<String> = r.findings.iter().map(|f| f.path.clone()).collect();
    paths.sort();
    assert_eq!(paths, want);
    let f = r.findings.iter().find(|f| f.path == "../x").unwrap();
    assert_eq!(
        (f.author_name.as_deref(), f.author_email.as_deref()),
        (Some(evil_name), Some(evil_email)),
        "JSON carries names as they are, escaped by JSON"
    );
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let n = want.len();

    // --format github: one well-formed command per finding; nothing can start a second command.
    let github = run_in(repo.path(), &["scan", "--git", "--format", "github", "."]);
    assert_eq!(github.code, 1);
    assert_eq!(github.stdout.lines().count(), n, "{}", github.stdout);
    no_control_characters("github", &github.stdout);
    for line in github.stdout.lines() {
        let (command, message) = line.split_once("::").unwrap().1.split_once("::").unwrap();
        assert!(command.starts_with("error file="), "{line}");
        // Properties are split on `,` and `:` by the runner: none may hide in a value.
        let props: Vec<&str> = command["error ".len()..].split(',').collect();
        assert_eq!(props.len(), 6, "{line}");
        assert!(props.iter().all(|p| !p.contains(':')), "{line}");
        assert!(!message.contains(['\r', '\n']), "{line}");
        // `%` is always an escape: `%25`, `%0D`, `%0A`, `%3A` or `%2C`.
        for part in line.split('%').skip(1) {
            assert!(
                ["25", "0D", "0A", "3A", "2C"]
                    .iter()
                    .any(|e| part.starts_with(e)),
                "{line}"
            );
        }
    }
    assert!(github
        .stdout
        .contains("file=%3A%3Aerror file=x%3A%3AINJECTED%250A%2Cy%3Az.env,"));
    // The human report and stderr: control characters made visible.
    let human = run_in(repo.path(), &["scan", "--git", "."]);
    assert_eq!(human.code, 1);
    no_control_characters("human", &human.stdout);
    no_control_characters("stderr", &human.stderr);
    assert!(
        human.stdout.contains("line\\nbreak.env:2:14"),
        "{}",
        human.stdout
    );
    // CSV: one record per finding, every field without control characters.
    let csv = run_in(repo.path(), &["scan", "--git", "--format", "csv", "."]);
    let records: Vec<::csv::StringRecord> = ::csv::Reader::from_reader(csv.stdout.as_bytes())
        .records()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(records.len(), n);
    no_control_characters("csv", &csv.stdout);
    // SARIF validates against the schema, one result per finding.
    let (_, log) = crate::sarif::sarif(repo.path(), &["--git", "."]);
    assert_eq!(crate::sarif::results(&log).len(), n);
    // JSON lines: one object per line.
    let jsonl = run_in(repo.path(), &["scan", "--git", "--format", "jsonl", "."]);
    assert_eq!(jsonl.stdout.lines().count(), n);
    for line in jsonl.stdout.lines() {
        serde_json::from_str::<Finding>(line).unwrap();
    }
}

/// Every hook git knows (any of them would run a planted script).
const HOOKS: [&str; 26] = [
    "applypatch-msg",
    "pre-applypatch",
    "post-applypatch",
    "pre-commit",
    "pre-merge-commit",
    "prepare-commit-msg",
    "commit-msg",
    "post-commit",
    "pre-rebase",
    "post-checkout",
    "post-merge",
    "pre-push",
    "pre-receive",
    "update",
    "proc-receive",
    "post-receive",
    "post-update",
    "reference-transaction",
    "push-to-checkout",
    "pre-auto-gc",
    "post-rewrite",
    "sendemail-validate",
    "fsmonitor-watchman",
    "post-index-change",
    "p4-pre-submit",
    "p4-changelist",
];

fn executable(path: &std::path::Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
}

#[test]
fn nothing_planted_in_a_scanned_repository_runs_in_any_mode() {
    // The planted commands log to a file outside the repository (so the directory scan does not see
    // them): `evil.sh WHAT` appends WHAT, then passes its input through (as a filter would).
    let outside = Sandbox::new();
    let log = outside.join("ran.log");
    let evil = outside.join("evil.sh");
    executable(
        &evil,
        &format!("#!/bin/sh\necho \"$1\" >> {}\ncat\n", log.display()),
    );
    let run_evil = |what: &str| format!("{} {what}", evil.display());

    let repo = Repo::init();
    repo.write(".gitattributes", "* filter=evil diff=evil merge=evil\n")
        .write(
            ".gitmodules",
            &format!(
                "[submodule \"a\"]\n\tpath = sub/a\n\turl = ext::{}\n\
                 [submodule \"b\"]\n\tpath = sub/b\n\turl = --upload-pack={}\n\
                 [submodule \"c\"]\n\tpath = sub/c\n\turl = file:///nonexistent\n\tupdate = !{}\n",
                run_evil("ext-submodule %S"),
                run_evil("upload-pack-option"),
                run_evil("submodule-update"),
            ),
        )
        .write("a.env", &env_with(GH1));
    // Gitlinks: to a commit that exists nowhere, and to this repository's own first commit.
    repo.git(&["add", "-A"]);
    let nowhere = "0123456789abcdef0123456789abcdef01234567";
    repo.git(&[
        "update-index",
        "--add",
        "--cacheinfo",
        &format!("160000,{nowhere},sub/a"),
    ]);
    let c1 = repo.commit_staged("one", ALICE, 1);
    repo.git(&[
        "update-index",
        "--add",
        "--cacheinfo",
        &format!("160000,{c1},sub/b"),
    ]);
    repo.git(&[
        "update-index",
        "--add",
        "--cacheinfo",
        &format!("160000,{c1},sub/c"),
    ]);
    repo.write("c.env", &env_with(GH2));
    let c2 = repo.commit("two", BOB, 2);
    repo.write("b.env", &env_with(GH2));
    repo.git(&["add", "b.env"]);

    // Now make it hostile (git itself is not run in it again until the end).
    for hook in HOOKS {
        let body = format!("#!/bin/sh\n{}\n", run_evil(&format!("hook-{hook}")));
        executable(&repo.path().join(".git/hooks").join(hook), &body);
        executable(&outside.join("hooks").join(hook), &body);
    }
    let hooks_path = outside.join("hooks");
    let mut config = std::fs::read_to_string(repo.path().join(".git/config")).unwrap();
    config.push_str(&format!(
        "[core]\n\tfsmonitor = {}\n\tsshCommand = {}\n\thooksPath = {}\n\tpager = {}\n\taskPass = {}\n\teditor = {}\n\
         [filter \"evil\"]\n\tclean = {}\n\tsmudge = {}\n\tprocess = {}\n\trequired = true\n\
         [diff \"evil\"]\n\ttextconv = {}\n\tcommand = {}\n[merge \"evil\"]\n\tdriver = {}\n\
         [credential]\n\thelper = !{}\n[protocol]\n\tallow = always\n\
         [remote \"origin\"]\n\turl = ext::{}\n\tuploadpack = {}\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n\
         [uploadpack]\n\tpackObjectsHook = {}\n",
        run_evil("fsmonitor"),
        run_evil("ssh-command"),
        hooks_path.display(),
        run_evil("pager"),
        run_evil("askpass"),
        run_evil("editor"),
        run_evil("filter-clean"),
        run_evil("filter-smudge"),
        run_evil("filter-process"),
        run_evil("textconv"),
        run_evil("diff-command"),
        run_evil("merge-driver"),
        run_evil("credential-helper"),
        run_evil("ext-remote %S"),
        run_evil("remote-uploadpack"),
        run_evil("pack-objects-hook"),
    ));
    std::fs::write(repo.path().join(".git/config"), config).unwrap();

    let ran = || std::fs::read_to_string(&log).unwrap_or_default();
    let check = |what: &str, args: &[&str], want: &[&str]| {
        let (run, r) = scan_json(repo.path(), args);
        assert_eq!(run.code, 1, "{what}: {}", run.stderr);
        let mut paths: Vec<&str> = r.findings.iter().map(|f| f.path.as_str()).collect();
        paths.sort();
        assert_eq!(paths, want, "{what}");
        assert_eq!(ran(), "", "{what} ran a command planted in the repository");
    };
    check("--git", &["--git", "."], &["a.env", "c.env"]);
    check("--staged", &["--staged"], &["b.env"]);
    check(
        "--range",
        &["--git", "--range", &format!("{c1}..{c2}"), "."],
        &["c.env"],
    );
    check("a directory scan", &["."], &["a.env", "b.env", "c.env"]);
    // A bulk scan mirrors the repository from its file:// URL (git runs upload-pack in it).
    let list = outside.join("repos.txt");
    std::fs::write(&list, format!("file://{}\n", repo.path().display())).unwrap();
    let mut cmd = sprawl();
    cmd.current_dir(outside.path())
        .env("SPRAWL_TEST_FILE_CLONES", "1")
        .args(["scan", "--format", "json", "--git", "--repos"])
        .arg(&list)
        .args(["--clone-dir"])
        .arg(outside.join("cache"));
    let bulk = run_cmd(&mut cmd, None);
    assert_eq!(bulk.code, 1, "{}", bulk.stderr);
    let r: Report = serde_json::from_str(&bulk.stdout).unwrap();
    let mut paths: Vec<&str> = r.findings.iter().map(|f| f.path.as_str()).collect();
    paths.sort();
    assert_eq!(paths, ["a.env", "c.env"]);
    assert_eq!(
        ran(),
        "",
        "a bulk clone ran a command planted in the repository"
    );

    // The plants are live: git itself runs them.
    let _ = std::process::Command::new("git")
        .current_dir(repo.path())
        .args(["status", "--short"])
        .output();
    assert!(ran().contains("fsmonitor"), "{}", ran());
}

/// Runs `git fast-import` in `repo` on `stream`.
fn fast_import(repo: &Repo, stream: &str) {
    let mut child = std::process::Command::new("git")
        .current_dir(repo.path())
        .args(["fast-import", "--quiet"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stream.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
}

/// A fast-import `data` command.
fn data(s: &str) -> String {
    format!("data {}\n{s}\n", s.len())
}

#[test]
fn ten_thousand_merges_are_walked_once_each() {
    let repo = Repo::init();
    let mut s = String::new();
    s.push_str(&format!(
        "commit refs/heads/main\nmark :1\ncommitter A <a@x> 1700000000 +0000\n{}M 100644 inline a.env\n{}",
        data("root"),
        data(&env_with(GH1))
    ));
    let (mut main, mut mark) = (1, 2);
    for i in 0..10_000 {
        let t = 1_700_000_001 + 2 * i;
        s.push_str(&format!(
            "commit refs/heads/side\nmark :{mark}\ncommitter A <a@x> {t} +0000\n{}from :{main}\nM 100644 inline s.txt\n{}",
            data("side"),
            data(&format!("{i}\n"))
        ));
        s.push_str(&format!(
            "commit refs/heads/main\nmark :{}\ncommitter A <a@x> {} +0000\n{}from :{main}\nmerge :{mark}\nM 100644 inline m.txt\n{}",
            mark + 1,
            t + 1,
            data("merge"),
            data(&format!("{i}\n"))
        ));
        main = mark + 1;
        mark += 2;
    }
    fast_import(&repo, &s);
    let root = repo.git(&["rev-list", "--max-parents=0", "main"]);
    let (run, r) = scan_json_bounded(repo.path(), &["--git", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(r.stats.commits, 20_001);
    assert_eq!(
        provenance(&r),
        vec![("a.env".into(), Some(root), None, vec!["a@x".into()])]
    );
    assert!(r.errors.is_empty(), "{:?}", r.errors);
}

#[test]
fn twenty_thousand_refs_to_one_commit_are_read_as_one_tip() {
    // The cheap version of 1,000,000 refs (scripts/hostile-bench.sh measures that one).
    let (repo, [_, _, head]) = super::three_commits();
    let mut packed = String::from("# pack-refs with: peeled fully-peeled sorted \n");
    for i in 0..20_000 {
        packed.push_str(&format!("{head} refs/tags/t{i:06}\n"));
    }
    std::fs::write(repo.path().join(".git/packed-refs"), packed).unwrap();
    let (run, r) = scan_json_bounded(repo.path(), &["--git", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(r.findings.len(), 2);
    assert_eq!(r.stats.commits, 3);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
}

/// Alice commits GH1 in a.env, then a 256 KiB incompressible file; everything packed by `git gc`.
/// Returns the repository, the big blob's id and the pack file.
fn packed_repo() -> (Repo, String, std::path::PathBuf) {
    let repo = Repo::init();
    repo.write("a.env", &env_with(GH1));
    repo.commit("one", ALICE, 1);
    let big = super::incompressible(256 << 10);
    repo.sb
        .file("big.bin.txt", super::super::support::b64(&big));
    repo.commit("two", ALICE, 2);
    repo.git(&["gc", "-q"]);
    let blob = repo.git(&["rev-parse", "HEAD:big.bin.txt"]);
    let pack = std::fs::read_dir(repo.path().join(".git/objects/pack"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pack"))
        .unwrap();
    let mut perms = std::fs::metadata(&pack).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&pack, perms).unwrap();
    (repo, blob, pack)
}

#[test]
fn a_pack_damaged_in_the_middle_is_one_warning_for_the_broken_blob() {
    let (repo, blob, pack) = packed_repo();
    let mut data = std::fs::read(&pack).unwrap();
    let mid = data.len() / 2;
    for b in &mut data[mid..mid + 64] {
        *b ^= 0x55;
    }
    std::fs::write(&pack, data).unwrap();
    let (run, r) = scan_json_bounded(repo.path(), &["--git", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        super::secrets(&r),
        vec![("a.env".into(), super::redacted(GH1))]
    );
    let errs = errors(&r);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].0, format!("blob {blob}"));
}

#[test]
fn a_pack_cut_in_half_is_a_warning_per_unreadable_object_and_the_scan_ends() {
    let (repo, big, pack) = packed_repo();
    // A third commit after the pack, loose.
    repo.write("c.env", &env_with(GH2));
    repo.commit("three", BOB, 3);
    let a_env = repo.git(&["rev-parse", "HEAD:a.env"]);
    let c2 = repo.git(&["rev-parse", "HEAD~1"]);
    let data = std::fs::read(&pack).unwrap();
    std::fs::write(&pack, &data[..data.len() / 2]).unwrap();
    let (run, r) = scan_json_bounded(repo.path(), &["--git", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // libgit2 refuses the cut pack whole: what is loose is scanned, and each object it cannot
    // reach is one warning naming it.
    assert_eq!(
        super::secrets(&r),
        vec![("c.env".into(), super::redacted(GH2))]
    );
    let missing = |what: &str, id: &str, how: &str| {
        (
            format!("{what} {id}"),
            format!("object not found - {how} ({id})"),
        )
    };
    let mut want = vec![
        missing("blob", &a_env, "cannot read header for"),
        missing("blob", &big, "cannot read header for"),
        missing("commit", &c2, "no match for id"),
    ];
    want.sort();
    assert_eq!(errors(&r), want);
}

/// Replaces the loose object file of `id` in `repo` with `kind` object `body` (its id no longer matches).
fn forge_loose(repo: &Repo, id: &str, kind: &str, body: &[u8]) {
    use std::io::Write;
    let file = repo
        .path()
        .join(".git/objects")
        .join(&id[..2])
        .join(&id[2..]);
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    write!(z, "{kind} {}\0", body.len()).unwrap();
    z.write_all(body).unwrap();
    std::fs::remove_file(&file).unwrap();
    std::fs::write(&file, z.finish().unwrap()).unwrap();
}

#[test]
fn a_loose_object_of_the_wrong_type_is_a_warning_and_the_rest_is_scanned() {
    let (repo, [c1, _, c3]) = super::three_commits();
    let tree = repo.git(&["rev-parse", "HEAD~1^{tree}"]);
    // The second commit's tree is a blob now.
    forge_loose(&repo, &tree, "blob", b"not a tree\n");
    let (run, r) = scan_json_bounded(repo.path(), &["--git", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // The third commit's parent tree cannot be read: what it holds has no known introduction.
    let unknown = unknown(MISSING, &c3);
    assert_eq!(
        provenance(&r),
        vec![
            ("a.env".into(), Some(c1), None, vec![ALICE.1.into()]),
            ("a.env".into(), None, unknown.clone(), vec![]),
            ("c.env".into(), None, unknown, vec![]),
        ]
    );
    assert_eq!(
        errors(&r),
        vec![
            (
                format!("object {tree}"),
                "content does not match the object id (1 loose object in this repository): the repository is damaged or was tampered with; the content is scanned as it is".into()
            ),
            (
                format!("tree {tree}"),
                "the requested type does not match the type in the ODB".into()
            ),
        ]
    );
}

#[test]
fn a_tree_that_contains_itself_ends_with_the_rest_scanned() {
    let repo = Repo::init();
    repo.write("a.env", &env_with(GH1))
        .write("sub/b.txt", "filler\n");
    repo.commit("one", ALICE, 1);
    let sub = repo.git(&["rev-parse", "HEAD:sub"]);
    // `sub` now holds `loop/`, which is `sub` itself.
    let raw: Vec<u8> = (0..20)
        .map(|i| u8::from_str_radix(&sub[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    let mut body = b"40000 loop\0".to_vec();
    body.extend_from_slice(&raw);
    forge_loose(&repo, &sub, "tree", &body);
    let (run, r) = scan_json_bounded(repo.path(), &["--git", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        super::secrets(&r),
        vec![("a.env".into(), super::redacted(GH1))]
    );
    assert_eq!(
        errors(&r),
        vec![(
            format!("object {sub}"),
            "content does not match the object id (1 loose object in this repository): the repository is damaged or was tampered with; the content is scanned as it is".into()
        )]
    );
}
