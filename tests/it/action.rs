//! The GitHub Action (`action.yml`), run the way the runner runs a composite action: each step's
//! `${{ … }}` expressions evaluated, its `run` executed with `bash --noprofile --norc -eo pipefail`, in a
//! faked GitHub environment (event payload, GITHUB_OUTPUT, GITHUB_ENV, GITHUB_STEP_SUMMARY, workspace).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use crate::git::{Repo, ALICE, BOB};
use crate::support::*;

struct ActionRun {
    code: i32,
    stdout: String,
    outputs: BTreeMap<String, String>,
    summary: String,
    /// RUNNER_TEMP (`temp/`) and the runner's files (the SARIF output lives here; `env` is GITHUB_ENV).
    runner: Sandbox,
}

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Replaces each `${{ expr }}` using `lookup`; an expression the harness does not know is a test failure.
fn evaluate(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("}}").expect("closed expression") + start;
        let expr = rest[start + 3..end].trim();
        out.push_str(&lookup(expr).unwrap_or_else(|| panic!("unsupported expression {expr:?}")));
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

fn key_values(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Runs the action with the binary under test preinstalled (SPRAWL_BIN, as in a container image).
fn run_action(workspace: &Path, event: &serde_json::Value, inputs: &[(&str, &str)]) -> ActionRun {
    run_action_env(
        workspace,
        event,
        inputs,
        &[("SPRAWL_BIN", env!("CARGO_BIN_EXE_sprawl"))],
    )
}

/// Runs the action with `env` added to the runner's environment (nothing preinstalled unless it says so).
fn run_action_env(
    workspace: &Path,
    event: &serde_json::Value,
    inputs: &[(&str, &str)],
    env: &[(&str, &str)],
) -> ActionRun {
    let action: yaml_serde::Value =
        yaml_serde::from_str(&std::fs::read_to_string(manifest_dir().join("action.yml")).unwrap())
            .unwrap();
    let mut input_values: BTreeMap<String, String> = BTreeMap::new();
    for (name, spec) in action["inputs"].as_mapping().unwrap() {
        let default = spec["default"].as_str().unwrap_or("").to_string();
        input_values.insert(name.as_str().unwrap().to_string(), default);
    }
    for (k, v) in inputs {
        assert!(input_values.contains_key(*k), "action.yml has no input {k}");
        input_values.insert(k.to_string(), v.to_string());
    }
    let runner = Sandbox::new();
    runner.file("event.json", serde_json::to_vec(event).unwrap());
    runner.file("env", "").file("summary.md", "");
    std::fs::create_dir_all(runner.join("temp")).unwrap();
    let mut step_outputs: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut stdout = String::new();
    let mut code = 0;
    for (i, step) in action["runs"]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .enumerate()
    {
        assert_eq!(step["shell"].as_str(), Some("bash"));
        let lookup = |expr: &str| -> Option<String> {
            if let Some(name) = expr.strip_prefix("inputs.") {
                return input_values.get(name).cloned();
            }
            (expr == "github.action_path").then(|| manifest_dir().display().to_string())
        };
        let output_file = runner.join(&format!("output-{i}"));
        std::fs::write(&output_file, "").unwrap();
        let script = runner.join(&format!("step-{i}.sh"));
        std::fs::write(&script, evaluate(step["run"].as_str().unwrap(), &lookup)).unwrap();
        let mut cmd = Command::new("bash");
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&script)
            .current_dir(workspace)
            .env("GITHUB_EVENT_NAME", "pull_request")
            .env("GITHUB_EVENT_PATH", runner.join("event.json"))
            .env("GITHUB_WORKSPACE", workspace)
            .env("GITHUB_OUTPUT", &output_file)
            .env("GITHUB_ENV", runner.join("env"))
            .env("GITHUB_STEP_SUMMARY", runner.join("summary.md"))
            .env("GITHUB_ACTION_PATH", manifest_dir())
            .env("RUNNER_TEMP", runner.join("temp"))
            .env_remove("SPRAWL_BIN")
            .env_remove("SPRAWL_TEST_RELEASES_URL")
            .envs(env.iter().copied());
        for (k, v) in key_values(&std::fs::read_to_string(runner.join("env")).unwrap()) {
            cmd.env(k, v);
        }
        if let Some(env) = step["env"].as_mapping() {
            for (k, v) in env {
                cmd.env(
                    k.as_str().unwrap(),
                    evaluate(v.as_str().unwrap_or(""), &lookup),
                );
            }
        }
        let out = cmd.output().unwrap();
        stdout.push_str(&String::from_utf8_lossy(&out.stdout));
        let id = step["id"].as_str().unwrap_or("").to_string();
        step_outputs.insert(
            id,
            key_values(&std::fs::read_to_string(&output_file).unwrap()),
        );
        code = out.status.code().unwrap_or(-1);
        if code != 0 {
            break; // the runner stops at a failing step
        }
    }
    let mut outputs = BTreeMap::new();
    for (name, spec) in action["outputs"].as_mapping().unwrap() {
        let value = evaluate(spec["value"].as_str().unwrap(), &|expr: &str| {
            let rest = expr.strip_prefix("steps.")?;
            let (id, key) = rest.split_once(".outputs.")?;
            Some(
                step_outputs
                    .get(id)
                    .and_then(|o| o.get(key))
                    .cloned()
                    .unwrap_or_default(),
            )
        });
        outputs.insert(name.as_str().unwrap().to_string(), value);
    }
    ActionRun {
        code,
        stdout,
        outputs,
        summary: std::fs::read_to_string(runner.join("summary.md")).unwrap(),
        runner,
    }
}

/// main has GH1 in app/config.py; the `feature` branch adds `added` in app/new.py. Returns (repo, base, head).
fn pull_request(added: &str) -> (Repo, String, String) {
    let repo = Repo::init();
    repo.write("app/config.py", &format!("OLD_TOKEN = \"{GH1}\"\n"));
    let base = repo.commit("base", ALICE, 1);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("app/new.py", &format!("import os\nTOKEN = \"{added}\"\n"));
    let head = repo.commit("feature", BOB, 2);
    (repo, base, head)
}

fn event(base: &str, head: &str) -> serde_json::Value {
    serde_json::json!({
        "action": "synchronize",
        "number": 7,
        "pull_request": {"base": {"sha": base, "ref": "main"}, "head": {"sha": head, "ref": "feature"}, "commits": 1}
    })
}

#[test]
fn pull_request_adding_a_secret_is_annotated_summarised_and_fails() {
    let (repo, base, head) = pull_request(GH2);
    let run = run_action(repo.path(), &event(&base, &head), &[]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let (_, report) = scan_json(
        repo.path(),
        &["--git", "--range", &format!("{base}..{head}"), "."],
    );
    assert_eq!(report.findings.len(), 1, "only the PR's secret");
    let fp = &report.findings[0].fingerprint;
    let annotations: Vec<&str> = run.stdout.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(
        annotations,
        vec![format!(
            "::error file=app/new.py,line=2,endLine=2,col=10,endColumn=50,title=sprawl%3A GitHub personal access token (classic)::\
             GitHub personal access token (classic) ghp_us… (github.pat-classic, fingerprint {}). Introduced in {} by bob@example.org. \
             Revoke it at https://github.com/settings/tokens (or the owning app/org settings), then remove it from the code and its git history. \
             False positive? Add `sprawl:allow` in a comment on the line.",
            &fp[..12],
            &head[..12]
        )]
    );
    assert!(!run.stdout.contains(GH2), "the secret is redacted");
    assert!(run
        .stdout
        .ends_with("sprawl: 1 finding(s); failing (fail-on: any)\n"));
    assert_eq!(run.outputs["findings"], "1");
    assert_eq!(run.outputs["live"], "0");
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&run.outputs["sarif"]).unwrap()).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "app/new.py"
    );
    let lines: Vec<&str> = run.summary.lines().collect();
    assert_eq!(
        lines[0],
        "### sprawl: 1 finding(s) of 1 credential(s) in the pull request's commits, 0 live"
    );
    assert_eq!(
        lines[2],
        "| provider | secret | owners | files × commits × repos | first seen | exposed days | where | validity | severity | governance | fingerprint |"
    );
    assert!(
        lines[4].starts_with("| github | ghp\\_us… | bob@example.org | 1 × 1 × 1 | 2024-01-02 |"),
        "{}",
        lines[4]
    );
    // fail-on: none reports the same but passes.
    let run = run_action(repo.path(), &event(&base, &head), &[("fail-on", "none")]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.outputs["findings"], "1");
    // fail-on: live fails only on live credentials (none without validate).
    let run = run_action(
        repo.path(),
        &event(&base, &head),
        &[("fail-on", "live"), ("sarif", "false")],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.outputs["sarif"], "");
}

#[test]
fn pull_request_without_a_new_secret_passes_although_the_base_has_one() {
    let (repo, base, head) = pull_request("${TOKEN}");
    let run = run_action(repo.path(), &event(&base, &head), &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(
        run.stdout.lines().filter(|l| l.starts_with("::")).count(),
        0,
        "{}",
        run.stdout
    );
    assert_eq!(run.outputs["findings"], "0");
    assert_eq!(
        run.summary,
        "### sprawl: no credentials found in the pull request's commits\n"
    );
    // The full history does contain the base's secret.
    let run = run_action(repo.path(), &event(&base, &head), &[("mode", "full")]);
    assert_eq!(run.code, 1);
    assert_eq!(run.outputs["findings"], "1");
}

#[test]
fn a_shallow_checkout_is_deepened_to_the_merge_base() {
    let (origin, base, head) = pull_request(GH2);
    // More history on main after the fork, so a depth-1 clone of the PR head cannot see the merge base.
    origin.git(&["checkout", "-q", "main"]);
    origin.write("README", "more\n");
    let new_base = origin.commit("main moves on", ALICE, 3);
    let clone = Sandbox::new();
    let url = format!("file://{}", origin.path().display());
    let ws = clone.join("ws");
    succeeds(
        Command::new("git")
            .args(["clone", "-q", "--depth", "1", "--branch", "feature", &url])
            .arg(&ws),
    );
    let run = run_action(&ws, &event(&new_base, &head), &[]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(
        run.outputs["findings"], "1",
        "only the PR's secret, not main's"
    );
    let shallow = Command::new("git")
        .current_dir(&ws)
        .args(["cat-file", "-e", &format!("{base}^{{commit}}")])
        .status()
        .unwrap();
    assert!(shallow.success(), "the fork point was fetched");
}

/// A depth-1 clone (as actions/checkout makes by default) of a repository where Alice committed GH1 on
/// day 1 and Bob committed other work on day 2. Returns (origin, clone sandbox, workspace, Alice's commit).
fn depth_one_checkout() -> (Repo, Sandbox, std::path::PathBuf, String) {
    let origin = Repo::init();
    origin.write("app/config.py", &format!("TOKEN = \"{GH1}\"\n"));
    let first = origin.commit("add config", ALICE, 1);
    origin.write("README", "more\n");
    origin.commit("bump dependency", BOB, 2);
    let clone = Sandbox::new();
    let url = format!("file://{}", origin.path().display());
    let ws = clone.join("ws");
    succeeds(
        Command::new("git")
            .args(["clone", "-q", "--depth", "1", &url])
            .arg(&ws),
    );
    (origin, clone, ws, first)
}

#[test]
fn mode_full_deepens_a_shallow_checkout_so_the_introducing_commit_is_known() {
    let (_origin, _clone, ws, first) = depth_one_checkout();
    let run = run_action(&ws, &event("x", "y"), &[("mode", "full")]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "sprawl: the checkout is shallow; fetching the whole history (git fetch --unshallow)\n"
        ),
        "{}",
        run.stdout
    );
    let report: Report =
        serde_json::from_str(&std::fs::read_to_string(&run.outputs["report"]).unwrap()).unwrap();
    let f = &report.findings[0];
    assert_eq!(
        (
            f.commit.as_deref(),
            f.author_email.as_deref(),
            &f.provenance
        ),
        (Some(first.as_str()), Some(ALICE.1), &None)
    );
    assert!(report.errors.is_empty(), "{:?}", report.errors);
}

#[test]
fn mode_full_refuses_a_shallow_checkout_it_cannot_deepen() {
    let (origin, _clone, ws, _) = depth_one_checkout();
    drop(origin); // the remote is gone
    let run = run_action(&ws, &event("x", "y"), &[("mode", "full")]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stdout.ends_with(
        "::error title=sprawl::mode full scans every commit, but this checkout is shallow and 'git fetch --unshallow' failed. \
         Check out with actions/checkout and 'fetch-depth: 0', or use mode: working-tree.\n"
    ), "{}", run.stdout);
    assert_eq!(run.outputs["findings"], "");
}

/// A baseline file accepting `secret`, written into `dir` as `name`.
fn baseline_accepting(dir: &Path, name: &str, secret: &str) {
    let sb = Sandbox::new();
    sb.file("t.env", format!("T={secret}\n"));
    let out = run_in(
        sb.path(),
        &[
            "baseline",
            "create",
            "-o",
            dir.join(name).to_str().unwrap(),
            ".",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn the_baseline_comes_from_the_base_branch_so_a_pull_request_cannot_accept_its_own_secret() {
    // The PR adds GH2 and a baseline accepting it: the baseline is not on the base branch, not used.
    let (repo, base, _) = pull_request(GH2);
    baseline_accepting(repo.path(), ".sprawl-baseline.json", GH2);
    let head = repo.commit("accept my token", BOB, 3);
    let inputs = [("baseline", ".sprawl-baseline.json")];
    let run = run_action(repo.path(), &event(&base, &head), &inputs);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(run.outputs["findings"], "1");

    // The same baseline on the base branch is honoured.
    let repo = Repo::init();
    repo.write("app/config.py", "X = 1\n");
    baseline_accepting(repo.path(), ".sprawl-baseline.json", GH2);
    let base = repo.commit("base with a baseline", ALICE, 1);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("app/new.py", &format!("TOKEN = \"{GH2}\"\n"));
    let head = repo.commit("feature", BOB, 2);
    let run = run_action(repo.path(), &event(&base, &head), &inputs);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.outputs["findings"], "0");
}

/// The archive name part `release_target` in scripts/github-action.sh picks for this machine.
fn release_target() -> &'static str {
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => "x86_64-unknown-linux-musl",
        ("linux", "aarch64") => "aarch64-unknown-linux-musl",
        ("macos", "aarch64") => "aarch64-apple-darwin",
        other => panic!("no release target for {other:?}"),
    }
}

/// A release of the binary under test, packaged as the release workflow packages it
/// (scripts/package-release.sh), served from 127.0.0.1 as `/vVERSION/NAME.tar.gz` and `.sha256`
/// (`published_sha256` overrides the published checksum; `None` serves no release at all). A fake
/// `cargo` first on PATH logs every call and, like `cargo install --root R`, puts the binary under test
/// into R/bin; nothing else on PATH is a sprawl.
struct Release {
    server: crate::mock::Server,
    tools: Sandbox,
    name: String,
    sha256: String,
}

impl Release {
    fn serve(published_sha256: Option<Option<&str>>) -> Release {
        let version = env!("CARGO_PKG_VERSION");
        let name = format!("sprawl-{version}-{}", release_target());
        let tools = Sandbox::new();
        succeeds(
            Command::new(manifest_dir().join("scripts/package-release.sh"))
                .arg(env!("CARGO_BIN_EXE_sprawl"))
                .arg(release_target())
                .arg(tools.join("dist")),
        );
        let archive = std::fs::read(tools.join(&format!("dist/{name}.tar.gz"))).unwrap();
        let checksum =
            std::fs::read_to_string(tools.join(&format!("dist/{name}.tar.gz.sha256"))).unwrap();
        let sha256 = checksum.split(' ').next().unwrap().to_string();
        assert_eq!(checksum, format!("{sha256}  {name}.tar.gz\n"));
        let published = match published_sha256 {
            Some(Some(fake)) => Some(format!("{fake}  {name}.tar.gz\n")),
            Some(None) => Some(checksum),
            None => None,
        };
        let path = format!("/v{version}/{name}.tar.gz");
        let server = crate::mock::Server::start(move |req| match &published {
            Some(_) if req.path == path => crate::mock::Reply::bytes(200, archive.clone()),
            Some(sum) if req.path == format!("{path}.sha256") => crate::mock::Reply::new(200, sum),
            _ => crate::mock::Reply::new(404, "Not Found"),
        });
        tools.file(
            "bin/cargo",
            format!(
                "#!/bin/sh\necho \"$*\" >>'{log}'\nwhile [ $# -gt 0 ]; do [ \"$1\" = --root ] && root=\"$2\"; shift; done\n\
                 mkdir -p \"$root/bin\" && cp '{bin}' \"$root/bin/sprawl\"\n",
                log = tools.join("cargo.log").display(),
                bin = env!("CARGO_BIN_EXE_sprawl"),
            ),
        );
        make_executable(&tools.join("bin/cargo"));
        Release {
            server,
            tools,
            name,
            sha256,
        }
    }

    fn run(&self) -> ActionRun {
        let (repo, base, head) = pull_request(GH2);
        let path = format!(
            "{}:/usr/local/bin:/usr/bin:/bin",
            self.tools.join("bin").display()
        );
        let url = self.server.base();
        let env = [
            ("PATH", path.as_str()),
            ("SPRAWL_TEST_RELEASES_URL", url.as_str()),
        ];
        let run = run_action_env(repo.path(), &event(&base, &head), &[], &env);
        drop(repo);
        run
    }

    fn cargo_calls(&self) -> String {
        std::fs::read_to_string(self.tools.join("cargo.log")).unwrap_or_default()
    }

    fn requests(&self) -> Vec<String> {
        self.server
            .requests()
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect()
    }
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn installed(run: &ActionRun) -> std::path::PathBuf {
    run.runner.join(&format!(
        "temp/sprawl-{}/bin/sprawl",
        env!("CARGO_PKG_VERSION")
    ))
}

#[test]
fn the_release_archive_is_downloaded_verified_installed_and_used_without_cargo() {
    let release = Release::serve(Some(None));
    let run = release.run();
    assert_eq!(
        run.code, 1,
        "the scan ran and found the PR's secret: {}",
        run.stdout
    );
    assert_eq!(run.outputs["findings"], "1");
    let version = env!("CARGO_PKG_VERSION");
    let long_version = String::from_utf8(
        Command::new(env!("CARGO_BIN_EXE_sprawl"))
            .arg("--version")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(
        run.stdout.starts_with(&format!(
            "sprawl: installed {version} ({}) from the release, sha256 {}\nsprawl: {long_version}",
            release_target(),
            release.sha256
        )),
        "{}",
        run.stdout
    );
    assert_eq!(release.cargo_calls(), "", "no build");
    assert_eq!(
        release.requests(),
        [
            format!("GET /v{version}/{}.tar.gz", release.name),
            format!("GET /v{version}/{}.tar.gz.sha256", release.name)
        ]
    );
    let bin = installed(&run);
    assert_eq!(
        std::fs::read(&bin).unwrap(),
        std::fs::read(env!("CARGO_BIN_EXE_sprawl")).unwrap(),
        "the archive's binary is installed"
    );
    assert_eq!(
        std::fs::read_to_string(run.runner.join("env")).unwrap(),
        format!("SPRAWL_BIN={}\n", bin.display()),
        "and the scan step uses it"
    );
}

#[test]
fn a_wrong_checksum_fails_the_install_step_instead_of_building() {
    let fake = "0".repeat(64);
    let release = Release::serve(Some(Some(&fake)));
    let run = release.run();
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stdout,
        format!(
            "::error title=sprawl::checksum mismatch for {}.tar.gz: the release publishes sha256 {fake}, \
             the download has {}; not installing it\n",
            release.name, release.sha256
        )
    );
    assert_eq!(release.cargo_calls(), "", "no fallback to a build");
    assert!(!installed(&run).exists());
    assert_eq!(run.outputs["findings"], "", "the scan step did not run");
}

#[test]
fn without_a_release_the_action_builds_its_own_source_with_cargo() {
    let release = Release::serve(None);
    let run = release.run();
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(run.outputs["findings"], "1");
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        run.stdout.starts_with(&format!(
            "sprawl: no release archive at {}/v{version}/{}.tar.gz (HTTP 404)\n\
             sprawl: building {version} from source with cargo\n",
            release.server.base(),
            release.name
        )),
        "{}",
        run.stdout
    );
    assert_eq!(
        release.cargo_calls(),
        format!(
            "install --quiet --locked --path {} --root {}\n",
            manifest_dir().display(),
            run.runner.join(&format!("temp/sprawl-{version}")).display()
        )
    );
    assert_eq!(
        std::fs::read_to_string(run.runner.join("env")).unwrap(),
        format!("SPRAWL_BIN={}\n", installed(&run).display())
    );
}

#[test]
fn the_default_version_is_the_one_the_release_workflow_publishes_for_the_targets_the_action_knows()
{
    let action: yaml_serde::Value =
        yaml_serde::from_str(&std::fs::read_to_string(manifest_dir().join("action.yml")).unwrap())
            .unwrap();
    // release.yml publishes vX only when X is Cargo.toml's version (its first step checks the tag).
    assert_eq!(
        action["inputs"]["version"]["default"].as_str(),
        Some(env!("CARGO_PKG_VERSION"))
    );
    let release =
        std::fs::read_to_string(manifest_dir().join(".github/workflows/release.yml")).unwrap();
    assert!(release.contains(r#"if [ "$GITHUB_REF_NAME" != "v$version" ]; then"#));
    let workflow: yaml_serde::Value = yaml_serde::from_str(&release).unwrap();
    let built: Vec<&str> = workflow["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|m| m["target"].as_str().unwrap())
        .collect();
    let script = std::fs::read_to_string(manifest_dir().join("scripts/github-action.sh")).unwrap();
    let wanted: Vec<&str> = script
        .lines()
        .filter_map(|l| l.trim().split_once(") echo ")?.1.strip_suffix(" ;;"))
        .collect();
    assert_eq!(
        built,
        [
            "x86_64-unknown-linux-musl",
            "aarch64-unknown-linux-musl",
            "aarch64-apple-darwin"
        ]
    );
    assert_eq!(wanted, built);
}
