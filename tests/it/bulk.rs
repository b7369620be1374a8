//! Bulk scans of an organisation: `scan --git --repos` over real bare repositories (one list entry
//! broken), per-repository reports merged by `sprawl inventory --from DIR`, shards, resume, mirrors of
//! `file://` URLs, and `sprawl github-org` against a mock GitHub API on 127.0.0.1.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use crate::git::{git_in, Repo, ALICE};
use crate::mock::{Reply, Server};
use crate::support::*;

const GL: &str = "glpat-HJVsKg6aKg7u86iGRcZI";

/// Five bare repositories under `repos/` sharing secrets: GH1 in a, b, e; GH2 in b, c; GL in d, e.
struct Org {
    sb: Sandbox,
    /// Kept so that tests can add commits and push them to the bare repositories.
    work: Vec<Repo>,
}

const NAMES: [&str; 5] = ["a", "b", "c", "d", "e"];

impl Org {
    fn new() -> Org {
        let sb = Sandbox::new();
        let files: [&[(&str, &str)]; 5] = [
            &[("a.env", GH1)],
            &[("config/b.yml", GH1), ("b.env", GH2)],
            &[("c.env", GH2)],
            &[("d.env", GL)],
            &[("e.env", GH1), ("ci/gl.env", GL)],
        ];
        let mut work = Vec::new();
        for (name, files) in NAMES.iter().zip(files) {
            let repo = Repo::init();
            repo.write("README.md", &format!("{name}\n"));
            for (path, secret) in files {
                repo.write(path, &format!("T={secret}\n"));
            }
            repo.commit(&format!("{name}: initial"), ALICE, 1);
            repo.bare_clone(&sb.join(&format!("repos/{name}.git")));
            work.push(repo);
        }
        Org { sb, work }
    }

    /// The bare repository `name` as a list entry (absolute path).
    fn path(&self, name: &str) -> String {
        self.sb
            .join(&format!("repos/{name}.git"))
            .display()
            .to_string()
    }

    fn url(&self, name: &str) -> String {
        format!("file://{}", self.path(name))
    }

    fn missing(&self) -> String {
        self.sb.join("repos/missing.git").display().to_string()
    }

    /// Writes a repository list file with comments and blank lines around `entries`.
    fn list(&self, file: &str, entries: &[String]) -> String {
        let mut text = String::from("# the organisation\n\n");
        for e in entries {
            text.push_str(&format!("  {e}\n"));
        }
        text.push_str("\n# end\n");
        self.sb.file(file, text);
        self.sb.join(file).display().to_string()
    }

    fn all_paths_and_missing(&self) -> Vec<String> {
        let mut v: Vec<String> = NAMES.iter().map(|n| self.path(n)).collect();
        v.insert(2, self.missing());
        v
    }

    fn run(&self, args: &[&str]) -> Run {
        run_cmd(
            sprawl()
                .current_dir(self.sb.path())
                .env("SPRAWL_NOW", "2024-02-01")
                .args(args),
            None,
        )
    }
}

/// The report files of a directory, sorted.
fn reports_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// `sprawl::bulk::report_file_name`, as the user sees it.
fn report_name(label: &str) -> String {
    sprawl::bulk::report_file_name(label)
}

/// (rule, redacted secret, repositories, (repository, path) files, findings) per inventory row.
type Row = (String, String, Vec<String>, Vec<(String, String)>, u64);

fn inventory_rows(org: &Org, dir: &str) -> Vec<Row> {
    let out = org.run(&["inventory", "--from", dir, "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let mut rows: Vec<Row> = v["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let s = |v: &serde_json::Value| v.as_str().unwrap().to_string();
            (
                s(&c["rule_id"]),
                s(&c["secret"]),
                c["repositories"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(s)
                    .collect(),
                c["files"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| (s(&f["repository"]), s(&f["path"])))
                    .collect(),
                c["locations"]["findings"].as_u64().unwrap(),
            )
        })
        .collect();
    rows.sort();
    rows
}

fn expected_rows(label: impl Fn(&str) -> String) -> Vec<Row> {
    let files = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(r, p)| (label(r), p.to_string()))
            .collect()
    };
    let repos = |list: &[&str]| -> Vec<String> { list.iter().map(|r| label(r)).collect() };
    let mut rows = vec![
        (
            "github.pat-classic".to_string(),
            "ghp_Mk…".to_string(),
            repos(&["a", "b", "e"]),
            files(&[("a", "a.env"), ("b", "config/b.yml"), ("e", "e.env")]),
            3,
        ),
        (
            "github.pat-classic".to_string(),
            "ghp_us…".to_string(),
            repos(&["b", "c"]),
            files(&[("b", "b.env"), ("c", "c.env")]),
            2,
        ),
        (
            "gitlab.pat".to_string(),
            "glpat-…".to_string(),
            repos(&["d", "e"]),
            files(&[("d", "d.env"), ("e", "ci/gl.env")]),
            2,
        ),
    ];
    rows.sort();
    rows
}

#[test]
fn bulk_repos_file_reports_per_repository_and_the_inventory_merges_them() {
    let org = Org::new();
    let list = org.list("repos.txt", &org.all_paths_and_missing());
    let out = org.run(&[
        "scan",
        "--git",
        "--repos",
        &list,
        "--output-dir",
        "reports",
        "--repo-jobs",
        "3",
        "-j",
        "3",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    // The broken entry is reported on stderr (no progress line: stderr is not a terminal).
    let missing = org.missing();
    assert!(
        out.stderr
            .contains(&format!("warning: {missing}: not a git repository (")),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains('\r'));
    assert!(
        out.stderr.ends_with(
            "sprawl: 5 repositories scanned, 1 failed, 0 skipped; 7 findings; reports in reports\n"
        ),
        "{}",
        out.stderr
    );
    let mut expected: Vec<String> = NAMES.iter().map(|n| report_name(&org.path(n))).collect();
    expected.sort();
    assert_eq!(reports_in(&org.sb.join("reports")), expected);
    // Each report is the `--format json` schema, with the repository as given in the list.
    let text =
        std::fs::read_to_string(org.sb.join("reports").join(report_name(&org.path("b")))).unwrap();
    let b: Report = serde_json::from_str(&text).unwrap();
    assert_eq!(
        b.findings
            .iter()
            .map(|f| (f.repository.clone().unwrap(), f.path.clone(), f.line))
            .collect::<Vec<_>>(),
        vec![
            (org.path("b"), "b.env".to_string(), 1),
            (org.path("b"), "config/b.yml".to_string(), 1)
        ]
    );
    assert_eq!(
        inventory_rows(&org, "reports"),
        expected_rows(|n| org.path(n))
    );
}

#[test]
fn bulk_without_output_dir_is_one_report_with_the_failure_in_errors() {
    let org = Org::new();
    let list = org.list("repos.txt", &org.all_paths_and_missing()[..3]);
    // Two PATHs on the command line add to the list.
    let (out, r) = scan_json(
        org.sb.path(),
        &[
            "--git",
            "--repos",
            &list,
            &org.path("d"),
            &org.path("e"),
            "--report",
            "jsonl=all.jsonl",
        ],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let got = repo_paths(&r);
    let p = |n: &str| org.path(n);
    assert_eq!(
        got,
        vec![
            (p("a"), "a.env".into()),
            (p("b"), "b.env".into()),
            (p("b"), "config/b.yml".into()),
            (p("d"), "d.env".into()),
            (p("e"), "ci/gl.env".into()),
            (p("e"), "e.env".into()),
        ]
    );
    // One credential per secret across repositories.
    assert_eq!(
        r.credentials
            .iter()
            .map(|c| (c.rule_id.as_str(), c.locations))
            .collect::<BTreeSet<_>>(),
        BTreeSet::from([
            ("github.pat-classic", 3),
            ("github.pat-classic", 1),
            ("gitlab.pat", 2)
        ])
    );
    assert_eq!(r.errors.len(), 1);
    assert_eq!(r.errors[0].path, org.missing());
    assert!(
        r.errors[0].message.starts_with("not a git repository ("),
        "{}",
        r.errors[0].message
    );
    assert_eq!(r.stats.commits, 4);
    // --report writes the same combined report in another format.
    let jsonl = std::fs::read_to_string(org.sb.join("all.jsonl")).unwrap();
    assert_eq!(jsonl.lines().count(), 6);

    // The human report names each finding's repository when there are several.
    let out = org.run(&["scan", "--git", &org.path("a"), &org.path("c")]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let where_lines: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("  repo ") || l.starts_with("  where "))
        .collect();
    let (a, c) = (
        format!("  repo    {}", p("a")),
        format!("  repo    {}", p("c")),
    );
    assert_eq!(
        where_lines,
        vec![&a, "  where   a.env:1:3", &c, "  where   c.env:1:3"]
    );

    // --fail-on applies to bulk scans as to single ones: `none` passes, `live` needs live credentials
    // (none here: nothing was validated); a failed repository still makes it 2.
    let two = [org.path("a"), org.path("c")];
    for (fail_on, validate, code) in [("none", false, 0), ("live", true, 0), ("any", false, 1)] {
        let mut args = vec!["scan", "--git", &two[0], &two[1], "--fail-on", fail_on];
        if validate {
            // Offline only: the config points GitHub at a closed loopback port, so nothing is live.
            org.sb.file(
                "closed.toml",
                "[validation.endpoints]\ngithub = \"http://127.0.0.1:1\"\n",
            );
            args.extend([
                "--validate",
                "--config",
                "closed.toml",
                "--validate-timeout",
                "1s",
            ]);
        }
        let out = org.run(&args);
        assert_eq!(out.code, code, "--fail-on {fail_on}: {}", out.stderr);
    }

    // Only failures: the report still lists them, and the exit status is 2.
    let only = org.list("broken.txt", &[org.missing()]);
    let (out, r) = scan_json(org.sb.path(), &["--git", "--repos", &only]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(r.findings.is_empty());
    assert_eq!(r.errors.len(), 1);
}

#[test]
fn bulk_shards_are_disjoint_and_cover_the_list() {
    let org = Org::new();
    let list = org.list("repos.txt", &org.all_paths_and_missing());
    let mut all = Vec::new();
    for k in 1..=3 {
        let dir = format!("shard{k}");
        let shard = format!("{k}/3");
        let out = org.run(&[
            "scan",
            "--git",
            "--repos",
            &list,
            "--shard",
            &shard,
            "--output-dir",
            &dir,
        ]);
        let mut names = reports_in(&org.sb.join(&dir));
        // Every repository has a secret: findings exit 1; a shard with only the broken entry exits 2.
        let has_missing = out.stderr.contains("not a git repository");
        let expected_code = match (names.is_empty(), has_missing) {
            (false, _) => 1,
            (true, true) => 2,
            (true, false) => 0,
        };
        assert_eq!(out.code, expected_code, "{}", out.stderr);
        // The missing repository belongs to one shard, where it is an error and has no report.
        if has_missing {
            names.push("missing".into());
        }
        all.push(names);
    }
    let mut union: Vec<String> = all.iter().flatten().cloned().collect();
    union.sort();
    let mut expected: Vec<String> = NAMES.iter().map(|n| report_name(&org.path(n))).collect();
    expected.push("missing".into());
    expected.sort();
    // Disjoint (no duplicates in the union) and covering.
    assert_eq!(union, expected, "{all:?}");
    // Deterministic: the same shard again selects the same repositories.
    let out = org.run(&[
        "scan", "--git", "--repos", &list, "--shard", "2/3", "--format", "json",
    ]);
    let r: Report = serde_json::from_str(&out.stdout).unwrap();
    let again: BTreeSet<String> = r
        .findings
        .iter()
        .map(|f| report_name(f.repository.as_deref().unwrap()))
        .collect();
    let shard2: BTreeSet<String> = all[1].iter().filter(|n| *n != "missing").cloned().collect();
    assert_eq!(again, shard2);
}

#[test]
fn bulk_bad_shards_are_usage_errors() {
    let org = Org::new();
    for bad in ["0/3", "4/3", "x/y", "3"] {
        let out = org.run(&["scan", "--git", &org.path("a"), "--shard", bad]);
        assert_eq!(out.code, 2, "{bad}: {}", out.stderr);
        assert!(
            out.stderr.contains("expected K/N with 1 <= K <= N"),
            "{bad}: {}",
            out.stderr
        );
    }
    let out = org.run(&[
        "scan",
        "--git",
        &org.path("a"),
        "--output-dir",
        "out",
        "-o",
        "r.json",
    ]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: --output-dir writes one report per repository: -o/--output and --report do not apply\n"
    );
    let out = org.run(&["scan", &org.path("a"), "--shard", "1/2"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: several repositories, --repos, --output-dir and --shard need --git\n"
    );
}

#[test]
fn bulk_resume_skips_repositories_already_reported() {
    let org = Org::new();
    let list = org.list(
        "repos.txt",
        &NAMES.iter().map(|n| org.path(n)).collect::<Vec<_>>(),
    );
    let args = ["scan", "--git", "--repos", &list, "--output-dir", "out"];
    let out = org.run(&args);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let dir = org.sb.join("out");
    // Pretend the run crashed before c was written, and mark a's report to see it is not rewritten.
    let a = dir.join(report_name(&org.path("a")));
    let c = dir.join(report_name(&org.path("c")));
    std::fs::remove_file(&c).unwrap();
    let marked = std::fs::read_to_string(&a)
        .unwrap()
        .replace("a.env", "kept.env");
    std::fs::write(&a, &marked).unwrap();

    let out = org.run(&args);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "sprawl: skipped 4 repositories already reported in out\n\
         sprawl: 1 repository scanned, 0 failed, 4 skipped; 1 finding; reports in out\n"
    );
    assert_eq!(std::fs::read_to_string(&a).unwrap(), marked);
    let c: Report = serde_json::from_str(&std::fs::read_to_string(&c).unwrap()).unwrap();
    assert_eq!(c.findings.len(), 1);
    assert_eq!(c.findings[0].path, "c.env");
    // No temporary files are left behind.
    assert_eq!(reports_in(&dir).len(), 5);

    // Everything done: nothing scanned, nothing found, exit 0.
    let out = org.run(&args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.starts_with("sprawl: skipped 5 repositories"));
}

#[test]
fn bulk_clones_file_urls_into_mirrors_and_fetches_them_again() {
    let org = Org::new();
    let list = org.list("urls.txt", &[org.url("a"), org.url("c")]);
    let args = [
        "scan",
        "--git",
        "--repos",
        &list,
        "--clone-dir",
        "cache",
        "--format",
        "json",
    ];
    let out = org.run(&args);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let r: Report = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        repo_paths(&r),
        vec![
            (org.url("a"), "a.env".into()),
            (org.url("c"), "c.env".into())
        ]
    );
    let cache = org.sb.join("cache");
    let mirrors = reports_in(&cache);
    assert_eq!(mirrors.len(), 2, "{mirrors:?}");
    for m in &mirrors {
        assert!(
            m.starts_with("repos-a-") || m.starts_with("repos-c-"),
            "{m}"
        );
        assert!(m.ends_with(".git"));
        // A bare mirror: no work tree, nothing checked out.
        assert_eq!(
            git_in(&cache.join(m), &["rev-parse", "--is-bare-repository"]),
            "true"
        );
    }

    // A new commit in a: the next run fetches it into the same mirror.
    let work = &org.work[0];
    work.write("later.env", &format!("T={GH2}\n"));
    work.commit("a: later", ALICE, 2);
    work.git(&["push", "-q", &org.path("a"), "main"]);
    let out = org.run(&args);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let r: Report = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        repo_paths(&r),
        vec![
            (org.url("a"), "a.env".into()),
            (org.url("a"), "later.env".into()),
            (org.url("c"), "c.env".into())
        ]
    );
    assert_eq!(reports_in(&cache), mirrors);

    // A clone URL as the PATH of `scan --git` is mirrored the same way (the same mirror).
    let (out, r) = scan_json(
        org.sb.path(),
        &["--git", &org.url("c"), "--clone-dir", "cache"],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(repo_paths(&r), vec![(org.url("c"), "c.env".into())]);
    assert_eq!(reports_in(&cache), mirrors);
}

#[test]
fn bulk_failed_clone_is_an_error_without_the_urls_credentials() {
    let org = Org::new();
    // Port 1 on loopback refuses the connection at once; no network beyond 127.0.0.1.
    let secret_url = "https://bot:tok-s3cr3t-value@127.0.0.1:1/org/app.git";
    let list = org.list("urls.txt", &[secret_url.to_string(), org.path("c")]);
    // A `git` first on PATH records its command lines (what `ps` would show), then runs the real one.
    let real_git = String::from_utf8(
        std::process::Command::new("sh")
            .args(["-c", "command -v git"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let shim = org.sb.join("shim");
    org.sb.file(
        "shim/git",
        format!(
            "#!/bin/sh\necho \"$*\" >> '{}'\nexec '{}' \"$@\"\n",
            org.sb.join("argv.log").display(),
            real_git.trim()
        ),
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(shim.join("git"), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!(
        "{}:{}",
        shim.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = run_cmd(
        sprawl().current_dir(org.sb.path()).env("PATH", path).args([
            "scan",
            "--git",
            "--repos",
            &list,
            "--clone-dir",
            "cache",
            "--format",
            "json",
        ]),
        None,
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let argv = std::fs::read_to_string(org.sb.join("argv.log")).unwrap();
    assert!(
        argv.contains("clone --mirror --quiet -- https://127.0.0.1:1/org/app.git"),
        "{argv}"
    );
    assert!(
        !argv.contains("s3cr3t"),
        "the token is not on a command line: {argv}"
    );
    assert!(!out.stderr.contains("s3cr3t"), "{}", out.stderr);
    assert!(!out.stdout.contains("s3cr3t"), "{}", out.stdout);
    let r: Report = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(r.findings.len(), 1);
    assert_eq!(r.errors.len(), 1);
    assert_eq!(r.errors[0].path, "https://127.0.0.1:1/org/app.git");
    assert!(
        r.errors[0].message.starts_with("git clone failed: "),
        "{}",
        r.errors[0].message
    );
    // No half-made mirror is left.
    assert_eq!(reports_in(&org.sb.join("cache")), Vec::<String>::new());
}

/// (repository, path) of each finding, in report order.
fn repo_paths(r: &Report) -> Vec<(String, String)> {
    r.findings
        .iter()
        .map(|f| (f.repository.clone().unwrap(), f.path.clone()))
        .collect()
}

/// The GitHub API on the tests' mock server: `pages(base, path)` answers a path with a JSON body and
/// an optional `Link` header, or 404.
pub struct MockApi {
    pub base: String,
    server: Server,
}

impl MockApi {
    pub fn start(
        pages: impl Fn(&str, &str) -> Option<(String, Option<String>)> + Send + Sync + 'static,
    ) -> MockApi {
        let base: Arc<OnceLock<String>> = Arc::new(OnceLock::new());
        let known = base.clone();
        let server = Server::start(move |r| {
            let base = known.get().map_or("", String::as_str);
            match pages(base, &r.path) {
                Some((body, link)) => {
                    let reply = Reply::new(200, &body).header("Content-Type", "application/json");
                    match link {
                        Some(l) => reply.header("Link", &l),
                        None => reply,
                    }
                }
                None => Reply::new(404, r#"{"message":"Not Found"}"#)
                    .header("Content-Type", "application/json"),
            }
        });
        let _ = base.set(server.base());
        MockApi {
            base: server.base(),
            server,
        }
    }

    /// (path, `Authorization` header) of every request, in order.
    pub fn seen(&self) -> Vec<(String, String)> {
        self.server
            .requests()
            .into_iter()
            .map(|r| {
                let auth = r.header("authorization").unwrap_or_default().to_string();
                (r.path, auth)
            })
            .collect()
    }
}

#[test]
fn github_org_lists_every_page_filters_and_scans_the_clone_urls() {
    let org = Org::new();
    let repo = |name: &str, url: String, archived: bool, fork: bool| {
        serde_json::json!({
            "full_name": format!("acme/{name}"), "clone_url": url, "archived": archived,
            "fork": fork, "private": false, "default_branch": "main",
        })
    };
    let page1 = serde_json::json!([
        repo("a", org.url("a"), false, false),
        repo("old", org.url("d"), true, false),
    ])
    .to_string();
    let page2 = serde_json::json!([
        repo("fork", org.url("e"), false, true),
        repo("c", org.url("c"), false, false),
        // Served by the mock itself: git must send the token there, as basic authentication.
        repo("private", "BASE/acme/private.git".to_string(), false, false),
    ])
    .to_string();
    let api = MockApi::start(move |base, path| match path {
        "/orgs/acme/repos?per_page=100&type=all" => Some((
            page1.clone(),
            Some(format!(
                "<{base}/organizations/7/repos?per_page=100&type=all&page=2>; rel=\"next\", \
                 <{base}/organizations/7/repos?per_page=100&type=all&page=2>; rel=\"last\""
            )),
        )),
        "/organizations/7/repos?per_page=100&type=all&page=2" => {
            Some((page2.replace("BASE", base), None))
        }
        _ => None,
    });
    let token = "gho_test-token-not-real-123";
    let run = |extra: &[&str]| {
        let mut args = vec![
            "github-org",
            "acme",
            "--api-url",
            &api.base,
            "--clone-dir",
            "cache",
        ];
        args.extend_from_slice(extra);
        run_cmd(
            sprawl()
                .current_dir(org.sb.path())
                .env("GITHUB_TOKEN", token)
                .env("SPRAWL_TEST_FILE_CLONES", "1")
                .args(&args),
            None,
        )
    };
    let out = run(&["--output-dir", "reports"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(!out.stderr.contains(token));
    assert!(
        out.stderr.starts_with(
            "sprawl: acme: 3 repositories to scan (1 archived and 1 forks left out)\n"
        ),
        "{}",
        out.stderr
    );
    let private = format!("{}/acme/private.git", api.base);
    assert!(
        out.stderr
            .contains(&format!("warning: {private}: git clone failed: ")),
        "{}",
        out.stderr
    );
    let bearer = format!("Bearer {token}");
    let mut seen = api.seen();
    let git_requests = seen.split_off(2);
    assert_eq!(
        seen,
        vec![
            (
                "/orgs/acme/repos?per_page=100&type=all".to_string(),
                bearer.clone()
            ),
            (
                "/organizations/7/repos?per_page=100&type=all&page=2".to_string(),
                bearer.clone()
            ),
        ]
    );
    // git asked for the private repository with the token (x-access-token basic auth), and only that.
    assert!(!git_requests.is_empty());
    for (path, auth) in &git_requests {
        assert!(path.starts_with("/acme/private.git/info/refs"), "{path}");
        assert_eq!(
            auth,
            "Basic eC1hY2Nlc3MtdG9rZW46Z2hvX3Rlc3QtdG9rZW4tbm90LXJlYWwtMTIz"
        );
    }
    let mut expected = vec![report_name(&org.url("a")), report_name(&org.url("c"))];
    expected.sort();
    assert_eq!(reports_in(&org.sb.join("reports")), expected);

    // Archived and forks included, one combined JSON report; the private one is an error entry.
    let out = run(&["--include-archived", "--include-forks", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let r: Report = serde_json::from_str(&out.stdout).unwrap();
    let repos: BTreeSet<String> = r
        .findings
        .iter()
        .map(|f| f.repository.clone().unwrap())
        .collect();
    assert_eq!(
        repos,
        BTreeSet::from(["a", "c", "d", "e"].map(|n| org.url(n)))
    );
    assert_eq!(
        r.errors.iter().map(|e| e.path.as_str()).collect::<Vec<_>>(),
        vec![private.as_str()]
    );
    assert!(!out.stdout.contains(token) && !out.stderr.contains(token));

    // An unknown organisation is a clear error (exit 2) that names the API URL, never the token.
    let out = run_cmd(
        sprawl()
            .current_dir(org.sb.path())
            .env("GITHUB_TOKEN", token)
            .args(["github-org", "nope", "--api-url", &api.base]),
        None,
    );
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        format!(
            "error: GitHub API {}/orgs/nope/repos?per_page=100&type=all: HTTP 404 Not Found \
             (no such organisation, or the token cannot see it)\n",
            api.base
        )
    );
    // Without --api-url, GitHub Enterprise's base comes from the config's validation endpoints.
    org.sb.file(
        "sprawl.toml",
        format!("[validation.endpoints]\ngithub = \"{}\"\n", api.base),
    );
    let out = run_cmd(
        sprawl()
            .current_dir(org.sb.path())
            .args(["github-org", "nope", "--config", "sprawl.toml"]),
        None,
    );
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.starts_with(&format!(
            "error: GitHub API {}/orgs/nope/repos?per_page=100&type=all: HTTP 404",
            api.base
        )),
        "{}",
        out.stderr
    );
}

#[test]
fn github_org_refuses_plain_http_off_loopback() {
    let out = run_in(
        Path::new("."),
        &["github-org", "acme", "--api-url", "http://example.com"],
    );
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: --api-url \"http://example.com\": must be https:// (plain http:// only for a loopback address)\n"
    );
}

#[test]
fn bulk_refuses_a_mirror_others_can_write_to() {
    let org = Org::new();
    let url = org.url("a");
    let args = [
        "scan",
        "--git",
        url.as_str(),
        "--clone-dir",
        "cache",
        "--format",
        "json",
    ];
    let out = org.run(&args);
    assert_eq!(out.code, 1, "{}", out.stderr);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let cache = org.sb.join("cache");
        assert_eq!(
            std::fs::metadata(&cache).unwrap().permissions().mode() & 0o777,
            0o700,
            "the clone directory is private"
        );
        let mirror = std::fs::read_dir(&cache)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == "git"))
            .unwrap();
        std::fs::set_permissions(&mirror, std::fs::Permissions::from_mode(0o777)).unwrap();
        let out = org.run(&args);
        assert_eq!(out.code, 2, "{}", out.stderr);
        let r: Report = serde_json::from_str(&out.stdout).unwrap();
        assert!(r.findings.is_empty());
        assert_eq!(r.errors.len(), 1);
        assert!(
            r.errors[0]
                .message
                .ends_with("the mirror is not owned by this user or others can write to it; not used (remove it to clone again)"),
            "{}",
            r.errors[0].message
        );
    }
}
