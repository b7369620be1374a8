//! The fuzz targets' checks (`fuzz/harness.rs`) on every committed seed and crash input, on stable: a
//! crash `scripts/fuzz.sh` once found stays fixed. The fuzzing itself needs nightly (`cargo fuzz`).

use std::path::{Path, PathBuf};

#[path = "../../fuzz/harness.rs"]
mod harness;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// The files of `dir`, sorted (none when it does not exist).
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files
}

fn seed(target: &str, name: &str) -> Vec<u8> {
    std::fs::read(fuzz_dir().join("seeds").join(target).join(name)).unwrap()
}

fn bare_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git2::Repository::init_bare(dir.path()).unwrap();
    dir
}

/// Runs target `name` on `data`; the git targets in a repository of their own.
fn run(name: &str, run: harness::Target, data: &[u8]) {
    match name {
        "git" => {
            harness::git_objects_in(bare_repo().path(), data);
        }
        "loose" => {
            harness::loose_object_in(bare_repo().path(), data);
        }
        _ => run(data),
    }
}

/// The seeds reach what they are for: the git objects make a history, the loose objects' damage is
/// seen, the rule examples are found.
#[test]
fn seeds_exercise_their_targets() {
    assert_eq!(
        harness::git_objects_in(bare_repo().path(), &seed("git", "two-commits")),
        harness::Walked {
            commits: 2,
            blobs: 2,
            // a.env and b.txt in the first commit; dir/a.env, dir/b.txt and top in the second
            introductions: 5,
            messages: 2,
            warnings: 0,
        }
    );
    for (name, corrupt) in [
        ("complete", false),
        ("truncated", true),
        ("damaged", true),
        ("wrong-type", false),
    ] {
        assert_eq!(
            harness::loose_object_in(bare_repo().path(), &seed("loose", name)),
            corrupt,
            "{name}"
        );
    }
    // four rules' examples and their negative examples
    assert!(harness::engine_matches(&seed("engine", "examples-000")) >= 4);
    assert!(harness::engine_matches(&seed("engine", "base64")) >= 5);
}

#[test]
fn every_fuzz_target_has_a_binary_a_harness_and_seeds() {
    let mut binaries: Vec<String> = inputs(&fuzz_dir().join("fuzz_targets"))
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    binaries.sort();
    let mut harnessed: Vec<&str> = harness::TARGETS.iter().map(|(n, _)| *n).collect();
    harnessed.sort();
    assert_eq!(binaries, harnessed);
    let manifest = std::fs::read_to_string(fuzz_dir().join("Cargo.toml")).unwrap();
    for name in harnessed {
        assert!(
            manifest.contains(&format!(
                "[[bin]]\nname = \"{name}\"\npath = \"fuzz_targets/{name}.rs\""
            )),
            "fuzz/Cargo.toml has no [[bin]] for {name}"
        );
        assert!(
            !inputs(&fuzz_dir().join("seeds").join(name)).is_empty(),
            "fuzz/seeds/{name} is empty"
        );
    }
}

#[test]
fn seeds_and_crash_inputs_replay_without_a_failure() {
    let mut replayed = 0;
    for &(name, target) in harness::TARGETS {
        for kind in ["seeds", "regressions"] {
            for file in inputs(&fuzz_dir().join(kind).join(name)) {
                let data = std::fs::read(&file).unwrap();
                run(name, target, &data);
                replayed += 1;
            }
        }
    }
    assert!(replayed >= 2 * harness::TARGETS.len(), "{replayed} inputs");
}
