//! What a release ships besides the scanner: `--version` with the commit, shell completions and man pages
//! generated from the clap definitions, the crate package's file list, the licences and changelog, and
//! the container image definition.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use crate::support::*;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn git_head() -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(root())
        .args(["rev-parse", "HEAD"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn version_names_the_release_and_the_commit_it_was_built_from() {
    let sb = Sandbox::new();
    let run = run_in(sb.path(), &["--version"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stdout,
        format!(
            "sprawl {} (commit {})\n",
            env!("CARGO_PKG_VERSION"),
            &git_head()[..12]
        )
    );
}

#[test]
fn licences_and_changelog_match_the_manifest() {
    let manifest = read("Cargo.toml");
    assert!(manifest.contains("\nlicense = \"MIT OR Apache-2.0\"\n"));
    assert!(read("LICENSE-MIT")
        .starts_with("Copyright (c) 2026 The sprawl developers\n\nPermission is hereby granted"));
    let apache = read("LICENSE-APACHE");
    assert!(apache
        .trim_start()
        .starts_with("Apache License\n                        Version 2.0, January 2004"));
    assert!(apache.contains("END OF TERMS AND CONDITIONS"));
    let changelog = read("CHANGELOG.md");
    let first = changelog.lines().find(|l| l.starts_with("## ")).unwrap();
    assert_eq!(
        first,
        format!("## {} — first release", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn bash_completion_loads_in_bash_and_completes_scan_options() {
    let sb = Sandbox::new();
    let run = run_in(sb.path(), &["completions", "bash"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    sb.file("sprawl.bash", &run.stdout);
    // As bash does on TAB after `sprawl scan --fo`: COMP_* set, the registered function called.
    let script = r#"set -u
source ./sprawl.bash
complete -p sprawl
COMP_LINE="sprawl scan --fo"; COMP_POINT=${#COMP_LINE}
COMP_WORDS=(sprawl scan --fo); COMP_CWORD=2
_sprawl sprawl --fo scan
printf '[%s]\n' "${COMPREPLY[@]}"
COMP_LINE="sprawl comp"; COMP_POINT=${#COMP_LINE}
COMP_WORDS=(sprawl comp); COMP_CWORD=1
_sprawl sprawl comp sprawl
printf '[%s]\n' "${COMPREPLY[@]}"
"#;
    let out = Command::new("bash")
        .args(["--noprofile", "--norc", "-c", script])
        .current_dir(sb.path())
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "",
        "the script loads cleanly"
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "complete -o bashdefault -o default -o nosort -F _sprawl sprawl\n[--format]\n[completions]\n"
    );
}

#[test]
fn completions_for_zsh_fish_and_powershell_come_from_the_same_definitions() {
    let sb = Sandbox::new();
    for (shell, marker) in [
        ("zsh", "#compdef sprawl\n"),
        (
            "fish",
            "complete -c sprawl -n \"__fish_sprawl_using_subcommand scan\" -l format",
        ),
        (
            "powershell",
            "Register-ArgumentCompleter -Native -CommandName 'sprawl'",
        ),
        ("elvish", "set edit:completion:arg-completer[sprawl]"),
    ] {
        let run = run_in(sb.path(), &["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        assert!(run.stdout.contains(marker), "{shell}: {}", run.stdout);
        assert!(run.stdout.contains("--validate"), "{shell}");
    }
    let run = run_in(sb.path(), &["completions", "tcsh"]);
    assert_eq!(run.code, 2);
}

#[test]
fn the_man_page_is_generated_from_the_clap_definitions() {
    let sb = Sandbox::new();
    let run = run_in(sb.path(), &["man"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let version = env!("CARGO_PKG_VERSION");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines.contains(
            &format!(
                ".TH sprawl 1  \"sprawl {version} (commit {})\" ",
                &git_head()[..12]
            )
            .as_str()
        ),
        "{}",
        run.stdout
    );
    let name = lines.iter().position(|l| *l == ".SH NAME").unwrap();
    assert_eq!(
        lines[name + 1],
        "sprawl \\- Find leaked machine credentials: where they are, who owns them, how far they spread"
    );
    assert!(lines.contains(&"sprawl\\-scan(1)"), "subcommands listed");

    let run = run_in(sb.path(), &["man", "--dir", "man"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pages: BTreeSet<String> = std::fs::read_dir(sb.join("man"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let expected: BTreeSet<String> = [
        "sprawl",
        "sprawl-scan",
        "sprawl-rules",
        "sprawl-rules-list",
        "sprawl-rules-check",
        "sprawl-inventory",
        "sprawl-revoke",
        "sprawl-github-org",
        "sprawl-hook",
        "sprawl-hook-install",
        "sprawl-hook-uninstall",
        "sprawl-baseline",
        "sprawl-baseline-create",
        "sprawl-baseline-import",
        "sprawl-baseline-prune",
        "sprawl-completions",
        "sprawl-man",
    ]
    .iter()
    .map(|p| format!("{p}.1"))
    .collect();
    assert_eq!(pages, expected);
    let scan = std::fs::read_to_string(sb.join("man/sprawl-scan.1")).unwrap();
    assert!(scan.contains(".TH sprawl-scan 1"), "{scan}");
    assert!(scan.contains("\\-\\-format"), "{scan}");
}

/// Every file under `dir`, relative to the repository root, `/`-separated.
fn files_under(dir: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root().join(dir)];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(root()).unwrap();
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out
}

#[test]
fn the_crate_package_holds_sources_rules_build_inputs_and_licences_and_nothing_else() {
    let out = succeeds(
        Command::new(env!("CARGO"))
            .args([
                "package",
                "--list",
                "--locked",
                "--offline",
                "--allow-dirty",
            ])
            .current_dir(root()),
    );
    let listed: BTreeSet<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    let mut expected: BTreeSet<String> = [
        ".cargo_vcs_info.json",
        "CHANGELOG.md",
        "Cargo.lock",
        "Cargo.toml",
        "Cargo.toml.orig",
        "LICENSE-APACHE",
        "LICENSE-MIT",
        "README.md",
        "build.rs",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    expected.extend(files_under("src"));
    expected.extend(files_under("rules"));
    assert_eq!(listed, expected);
}

#[test]
fn the_container_image_is_a_static_binary_on_a_minimal_base_with_git_as_a_non_root_user() {
    let dockerfile = read("Dockerfile");
    let stages: Vec<&str> = dockerfile
        .lines()
        .filter(|l| l.starts_with("FROM "))
        .collect();
    assert_eq!(stages, ["FROM rust:1-alpine AS build", "FROM alpine:3"]);
    let runtime = &dockerfile[dockerfile.find("FROM alpine:3").unwrap()..];
    assert!(dockerfile.contains("RUSTFLAGS=\"-C target-feature=+crt-static\""));
    assert!(runtime.contains("apk add --no-cache git ca-certificates"));
    assert!(runtime.contains("COPY --from=build /usr/local/bin/sprawl /usr/local/bin/sprawl"));
    let users: Vec<&str> = runtime.lines().filter(|l| l.starts_with("USER ")).collect();
    assert_eq!(users, ["USER 10001:10001"]);
    assert!(runtime
        .trim_end()
        .ends_with("ENTRYPOINT [\"sprawl\"]\nCMD [\"scan\", \".\"]"));
    // The README's build command is the Dockerfile's.
    let build =
        "docker build --build-arg SPRAWL_BUILD_COMMIT=\"$(git rev-parse HEAD)\" -t sprawl .";
    assert!(dockerfile.contains(build));
    assert!(read("README.md").contains(build));
    let ignore = read(".dockerignore");
    assert!(ignore.lines().any(|l| l == "target/") && ignore.lines().any(|l| l == ".git"));
}
