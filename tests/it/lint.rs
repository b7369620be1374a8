//! Lints of what runs on CI machines rather than in the binary: every workflow and `action.yml` through
//! `actionlint` (action.yml by way of a workflow that uses it) and `zizmor` (auditor persona, offline),
//! every shell script through `shellcheck`. The
//! tools come from `scripts/test-tools.sh` (target/test-tools); a missing tool fails the test.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `name` from target/test-tools/bin, else from PATH; panics when neither runs.
fn tool(name: &str) -> PathBuf {
    let candidates = [
        root().join("target/test-tools/bin").join(name),
        PathBuf::from(name),
    ];
    for c in candidates {
        if Command::new(&c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            return c;
        }
    }
    panic!("{name} is needed: run scripts/test-tools.sh (installs it into target/test-tools)");
}

fn files(dir: &str, suffixes: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| suffixes.iter().any(|s| n.ends_with(s)))
        .map(|n| format!("{dir}/{n}"))
        .collect();
    out.sort();
    out
}

/// Runs `cmd` in the repository root and returns (exit code, stdout, stderr).
fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.current_dir(root()).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_workflows_are_the_ones_expected() {
    assert_eq!(
        files(".github/workflows", &[".yml", ".yaml"]),
        [".github/workflows/ci.yml", ".github/workflows/release.yml"]
    );
}

#[test]
fn actionlint_passes_every_workflow_with_shellcheck_on_their_run_steps() {
    let shellcheck = tool("shellcheck");
    let workflows = files(".github/workflows", &[".yml", ".yaml"]);
    let (code, out, err) = run(Command::new(tool("actionlint"))
        .args(["-shellcheck", shellcheck.to_str().unwrap()])
        .args(&workflows));
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
}

#[test]
fn zizmor_finds_nothing_in_the_workflows_or_the_action() {
    let mut targets = files(".github/workflows", &[".yml", ".yaml"]);
    targets.push("action.yml".into());
    let (code, out, err) = run(Command::new(tool("zizmor"))
        .args([
            "--offline",
            "--persona",
            "auditor",
            "--no-progress",
            "--format",
            "plain",
        ])
        .args(&targets)
        .env("NO_COLOR", "1"));
    // Nothing is suppressed either: the auditor persona reports every finding.
    assert_eq!(
        (code, out.as_str()),
        (0, "No findings to report. Good job!\n"),
        "{err}"
    );
}

#[test]
fn shellcheck_passes_every_shell_script() {
    let mut scripts = files("scripts", &[".sh"]);
    scripts.push(".ci/run".into());
    assert_eq!(
        scripts,
        [
            "scripts/bench-peers.sh",
            "scripts/fuzz.sh",
            "scripts/github-action.sh",
            "scripts/hostile-bench.sh",
            "scripts/inventory-screenshot.sh",
            "scripts/package-release.sh",
            "scripts/test-tools.sh",
            ".ci/run"
        ]
    );
    let (code, out, err) = run(Command::new(tool("shellcheck")).args(&scripts));
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
}

/// actionlint reads an action's metadata only through a workflow that uses it as a local action: such a
/// workflow, in a copy of the repository's action.yml, passes every input and reads every output.
fn lint_action_use(extra_input: &str) -> (i32, String, String) {
    let action: yaml_serde::Value =
        yaml_serde::from_str(&std::fs::read_to_string(root().join("action.yml")).unwrap()).unwrap();
    let key = |(k, _): (&yaml_serde::Value, &yaml_serde::Value)| k.as_str().unwrap().to_string();
    let inputs: Vec<String> = action["inputs"]
        .as_mapping()
        .unwrap()
        .iter()
        .map(key)
        .collect();
    let outputs: Vec<String> = action["outputs"]
        .as_mapping()
        .unwrap()
        .iter()
        .map(key)
        .collect();
    let mut with: String = inputs
        .iter()
        .map(|i| format!("          {i}: \"\"\n"))
        .collect();
    with.push_str(extra_input);
    let echo: String = outputs
        .iter()
        .map(|o| format!("          echo \"${{{{ steps.sprawl.outputs.{o} }}}}\"\n"))
        .collect();
    let sb = crate::support::Sandbox::new();
    sb.file(
        "action.yml",
        std::fs::read(root().join("action.yml")).unwrap(),
    );
    sb.file(
        ".github/workflows/use.yml",
        format!(
            "on: [pull_request]\npermissions: {{}}\njobs:\n  scan:\n    runs-on: ubuntu-24.04\n    steps:\n\
             \x20     - id: sprawl\n        uses: ./\n        with:\n{with}      - run: |\n{echo}"
        ),
    );
    // actionlint resolves `./` from the project root, which it finds by its .git directory.
    let init = Command::new("git")
        .args(["init", "-q"])
        .current_dir(sb.path())
        .status()
        .unwrap();
    assert!(init.success());
    let out = Command::new(tool("actionlint"))
        .args(["-shellcheck", "", "-no-color", ".github/workflows/use.yml"])
        .current_dir(sb.path())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn actionlint_reads_action_yml_through_a_workflow_that_uses_every_input_and_output() {
    let (code, out, err) = lint_action_use("");
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
    // It really read action.yml: an input it does not declare is an error.
    let (code, out, _) = lint_action_use("          no-such-input: x\n");
    assert_eq!(code, 1);
    assert!(
        out.contains("input \"no-such-input\" is not defined in action \"sprawl secret scan\""),
        "{out}"
    );
}
