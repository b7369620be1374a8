//! Hostile input: content under scan (a pull request) that tries to hang, exhaust or mislead sprawl.
//! Each test builds the hostile thing for real (cut object files, symlinks to `/dev/zero`, FIFOs,
//! damaged archives) and asserts the exact outcome: the scan ends, the secret that came with it is
//! reported, and the problem is a warning naming what was refused.

use std::io::Write;
use std::os::unix::fs::symlink;
use std::path::Path;

mod files;
mod leaks;
mod repos;

use crate::archives::{gz_bytes, zip_bytes};
use crate::git::{Repo, ALICE};
use crate::support::*;

pub(super) fn env_with(token: &str) -> String {
    format!("# deploy settings\nGITHUB_TOKEN={token}\n")
}

/// (path, message) of each error entry.
pub(super) fn errors(r: &Report) -> Vec<(String, String)> {
    r.errors
        .iter()
        .map(|e| (e.path.clone(), e.message.clone()))
        .collect()
}

pub(super) fn secrets(r: &Report) -> Vec<(String, String)> {
    r.findings
        .iter()
        .map(|f| (f.path.clone(), f.secret.clone()))
        .collect()
}

pub(super) fn redacted(token: &str) -> String {
    format!("{}…", &token[..6])
}

/// Halves the loose object file of `id` (git writes them read-only).
pub(super) fn truncate_loose(repo: &Repo, id: &str) {
    let file = repo
        .path()
        .join(".git/objects")
        .join(&id[..2])
        .join(&id[2..]);
    let data = std::fs::read(&file).unwrap();
    let mut perms = std::fs::metadata(&file).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&file, perms).unwrap();
    std::fs::write(&file, &data[..data.len() / 2]).unwrap();
}

/// Three commits: GH1 in `a.env`, filler in `b.txt`, GH2 in `c.env`.
pub(super) fn three_commits() -> (Repo, [String; 3]) {
    let repo = Repo::init();
    repo.write("a.env", &env_with(GH1));
    let c1 = repo.commit("one", ALICE, 1);
    repo.write("b.txt", &"filler line\n".repeat(200));
    let c2 = repo.commit("two", ALICE, 2);
    repo.write("c.env", &env_with(GH2));
    let c3 = repo.commit("three", ALICE, 3);
    (repo, [c1, c2, c3])
}

#[test]
fn a_truncated_loose_blob_is_a_warning_naming_it_and_the_rest_is_scanned() {
    let (repo, _) = three_commits();
    let blob = repo.git(&["rev-parse", "HEAD:b.txt"]);
    truncate_loose(&repo, &blob);
    let (run, r) = scan_json(repo.path(), &["--git", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        secrets(&r),
        vec![
            ("a.env".to_string(), redacted(GH1)),
            ("c.env".to_string(), redacted(GH2))
        ]
    );
    let errs = errors(&r);
    assert!(
        errs.contains(&(
            format!("object {blob}"),
            "corrupt loose object: its zlib stream is truncated".to_string()
        )),
        "{errs:?}"
    );
    assert!(
        errs.iter()
            .all(|(p, m)| p.contains(&blob) || m.contains(&blob)),
        "{errs:?}"
    );
}

#[test]
fn a_truncated_loose_tree_or_commit_is_a_warning_and_the_scan_ends() {
    for what in ["tree", "commit"] {
        let (repo, [_, c2, _]) = three_commits();
        let id = match what {
            "tree" => repo.git(&["rev-parse", &format!("{c2}^{{tree}}")]),
            _ => c2.clone(),
        };
        truncate_loose(&repo, &id);
        let (run, r) = scan_json(repo.path(), &["--git", "."]);
        assert_eq!(run.code, 1, "{what}: {}", run.stderr);
        let errs = errors(&r);
        assert!(
            errs.contains(&(
                format!("object {id}"),
                "corrupt loose object: its zlib stream is truncated".to_string()
            )),
            "{what}: {errs:?}"
        );
        assert!(
            errs.iter().all(|(p, m)| p.contains(&id) || m.contains(&id)),
            "{errs:?}"
        );
        // HEAD's own blobs are always reached; GH2 is in HEAD's tree.
        assert!(
            secrets(&r).contains(&("c.env".to_string(), redacted(GH2))),
            "{what}: {:?}",
            secrets(&r)
        );
    }
}

/// The control files a pull request can plant, as paths in the scanned tree.
const CONTROL_FILES: [&str; 5] = [
    ".gitignore",
    ".ignore",
    "CODEOWNERS",
    ".github/CODEOWNERS",
    "docs/CODEOWNERS",
];

fn sorted_error_paths(r: &Report) -> Vec<String> {
    let mut p: Vec<String> = r.errors.iter().map(|e| e.path.clone()).collect();
    p.sort();
    p
}

/// A tree with a secret and, at every control-file location, what `make` puts there: the secret is still
/// found, and each location is one error saying why it was not read.
fn control_files_are_refused(make: impl Fn(&Path), why: &str) {
    let sb = Sandbox::new();
    sb.file("deploy/.env", env_with(GH1));
    std::fs::create_dir_all(sb.join(".github")).unwrap();
    std::fs::create_dir_all(sb.join("docs")).unwrap();
    for f in CONTROL_FILES {
        make(&sb.join(f));
    }
    let (run, r) = scan_json(sb.path(), &["."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(secrets(&r), vec![("deploy/.env".into(), redacted(GH1))]);
    let mut want: Vec<String> = CONTROL_FILES.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(sorted_error_paths(&r), want);
    for e in &r.errors {
        assert_eq!(
            e.message,
            format!("not read: {why} (only regular files are read)"),
            "{}",
            e.path
        );
    }
}

#[test]
fn control_files_that_are_symlinks_to_dev_zero_are_not_followed() {
    control_files_are_refused(|p| symlink("/dev/zero", p).unwrap(), "a symlink");
}

#[test]
fn staged_scan_does_not_follow_a_codeowners_symlink_to_dev_zero() {
    let repo = Repo::init();
    repo.write("README", "hello\n");
    repo.commit("init", ALICE, 1);
    symlink("/dev/zero", repo.path().join("CODEOWNERS")).unwrap();
    std::fs::create_dir_all(repo.path().join(".github")).unwrap();
    symlink("/dev/zero", repo.path().join(".github/CODEOWNERS")).unwrap();
    symlink("/dev/zero", repo.path().join(".gitignore")).unwrap();
    repo.write("app.env", &env_with(GH1));
    repo.git(&["add", "-A"]);
    let (run, r) = scan_json(repo.path(), &["--staged"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(secrets(&r), vec![("app.env".into(), redacted(GH1))]);
    assert_eq!(
        sorted_error_paths(&r),
        vec![".github/CODEOWNERS".to_string(), "CODEOWNERS".to_string()]
    );
}

#[test]
fn an_oversized_codeowners_is_ignored_with_a_warning_and_the_next_location_used() {
    let sb = Sandbox::new();
    sb.file("deploy/.env", env_with(GH1));
    let mut big = "* @org/big\n".repeat((1 << 20) / 11 + 1);
    big.truncate((1 << 20) + 1);
    sb.file(".github/CODEOWNERS", big);
    sb.file("CODEOWNERS", "* @org/small\n");
    let (run, r) = scan_json(sb.path(), &["."]);
    assert_eq!(run.code, 1);
    assert_eq!(r.findings[0].owners, vec!["@org/small".to_string()]);
    assert_eq!(
        errors(&r),
        vec![(
            ".github/CODEOWNERS".to_string(),
            "not read: larger than 1048576 bytes (the limit for control files)".to_string()
        )]
    );
}

pub(super) fn mkfifo(path: &Path) {
    let out = std::process::Command::new("mkfifo")
        .arg(path)
        .output()
        .unwrap();
    assert!(out.status.success());
}

#[test]
fn control_files_that_are_fifos_do_not_hang_the_scan() {
    control_files_are_refused(mkfifo, "a FIFO");
}

#[test]
fn gitignore_rules_still_apply_when_read_as_control_files() {
    let sb = Sandbox::new();
    sb.file(".gitignore", "ignored/\n*.skip\n!keep.skip\n")
        .file("ignored/a.env", env_with(GH1))
        .file("x.skip", env_with(GH1))
        .file("keep.skip", env_with(GH2))
        .file("sub/.ignore", "b.env\n")
        .file("sub/b.env", env_with(GH1))
        .file("sub/c.env", env_with(GH2));
    let (run, r) = scan_json(sb.path(), &["."]);
    assert_eq!(run.code, 1);
    assert_eq!(
        secrets(&r),
        vec![
            ("keep.skip".into(), redacted(GH2)),
            ("sub/c.env".into(), redacted(GH2))
        ]
    );
    assert!(r.errors.is_empty(), "{:?}", r.errors);
}

#[test]
fn inventory_markdown_escapes_html_links_and_cells_from_codeowners() {
    let sb = Sandbox::new();
    sb.file("deploy/.env", env_with(GH1)).file(
        "CODEOWNERS",
        "* <!--hide [x](http://evil.test) <img/src=x> a|b `c` *d* ~e~ &amp;\n",
    );
    let run = run_in(sb.path(), &["inventory", "--format", "markdown", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let row = run.stdout.lines().nth(2).unwrap();
    let owners = row.split(" | ").nth(2).unwrap();
    assert_eq!(
        owners,
        // Owners are listed sorted.
        "\\&amp;, \\*d\\*, \\<\\!--hide, \\<img/src=x\\>, \\[x\\]\\(http://evil.test\\), \\`c\\`, a\\|b, \\~e\\~"
    );
    assert!(row.starts_with("| github | ghp\\_Mk… | "), "{row}");
}

#[test]
fn damaged_gzip_streams_scan_what_decoded_then_warn() {
    let sb = Sandbox::new();
    // The secret comes first, then enough incompressible filler that a cut lands after it.
    let mut text = env_with(GH1);
    let mut x: u32 = 1;
    for _ in 0..4000 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        text.push_str(&format!("{:08x}\n", x));
    }
    let gz = gz_bytes(text.as_bytes());
    let mut truncated = gz.clone();
    truncated.truncate(gz.len() * 3 / 4);
    let mut bad_crc = gz.clone();
    let n = bad_crc.len();
    bad_crc[n - 8] ^= 0xff; // the CRC-32 of the trailer
    sb.file("cut.env.gz", &truncated)
        .file("crc.env.gz", &bad_crc);
    let (run, r) = scan_json(sb.path(), &["."]);
    assert_eq!(run.code, 1);
    assert_eq!(
        secrets(&r),
        vec![
            ("crc.env.gz!crc.env".into(), redacted(GH1)),
            ("cut.env.gz!cut.env".into(), redacted(GH1))
        ]
    );
    let paths: Vec<String> = r.errors.iter().map(|e| e.path.clone()).collect();
    assert_eq!(paths, vec!["crc.env.gz!crc.env", "cut.env.gz!cut.env"]);
    for e in &r.errors {
        assert!(
            e.message.starts_with("damaged archive member (")
                && e.message
                    .ends_with("bytes decoded before the damage were scanned"),
            "{}",
            e.message
        );
    }
    assert!(!run.stderr.contains(GH1));
}

#[test]
fn a_zip_member_with_a_bad_crc_is_scanned_then_warned_about() {
    let sb = Sandbox::new();
    let body = env_with(GH1);
    let mut zip = zip_bytes(&[
        ("app.env", body.as_bytes()),
        ("ok.env", env_with(GH2).as_bytes()),
    ]);
    // The local header's CRC-32 is at offset 14; the central directory repeats it: damage both.
    let crc = zip[14..18].to_vec();
    for i in 0..zip.len() - 4 {
        if zip[i..i + 4] == crc[..] {
            zip[i] ^= 0xff;
        }
    }
    sb.file("bundle.zip", &zip);
    let (run, r) = scan_json(sb.path(), &["."]);
    assert_eq!(run.code, 1);
    assert_eq!(
        secrets(&r),
        vec![
            ("bundle.zip!app.env".into(), redacted(GH1)),
            ("bundle.zip!ok.env".into(), redacted(GH2))
        ]
    );
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert_eq!(r.errors[0].path, "bundle.zip!app.env");
    assert!(
        r.errors[0].message.starts_with("damaged archive member (")
            && r.errors[0].message.ends_with(&format!(
                "the {} bytes decoded before the damage were scanned",
                body.len()
            )),
        "{}",
        r.errors[0].message
    );
}

#[test]
fn text_that_starts_with_archive_magic_is_scanned_as_text() {
    let sb = Sandbox::new();
    let mut zip_like = b"PK\x03\x04 not a zip\n".to_vec();
    zip_like.extend_from_slice(env_with(GH1).as_bytes());
    let mut gz_like = b"\x1f\x8b not gzip\n".to_vec();
    gz_like.extend_from_slice(env_with(GH2).as_bytes());
    sb.file("notes.txt", &zip_like).file("other.txt", &gz_like);
    let (run, r) = scan_json(sb.path(), &["."]);
    assert_eq!(run.code, 1);
    assert_eq!(
        locations(&r),
        vec![
            ("notes.txt".into(), 3, 14, "github.pat-classic".into()),
            ("other.txt".into(), 3, 14, "github.pat-classic".into())
        ]
    );
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let _ = std::io::stdout().flush();
}

// ---- issue 21: stderr, path arguments, standard input, names ----

/// `sprawl ARGS` in `dir`, with `GITHUB_ACTIONS` set to `github` (or unset), stdin from `input`.
fn run_env(dir: &Path, args: &[&str], github: Option<&str>, input: Option<&[u8]>) -> Run {
    let mut cmd = sprawl();
    cmd.current_dir(dir).args(args);
    match github {
        Some(v) => cmd.env("GITHUB_ACTIONS", v),
        None => cmd.env_remove("GITHUB_ACTIONS"),
    };
    run_cmd(&mut cmd, input)
}

/// A name that would forge a workflow command and drive the terminal if printed raw.
const EVIL: &str = "evil.zip\n::error file=x::INJECTED%0A\x1b]0;title\x07";
const EVIL_SHOWN: &str = "evil.zip\\n::error file=x::INJECTED%0A\\u{1b}]0;title\\u{7}";

#[test]
fn names_on_stderr_are_escaped_and_are_well_formed_commands_in_github_actions() {
    let sb = Sandbox::new();
    // Zip magic, then binary: not a zip, not text, so a warning naming the file.
    sb.file(EVIL, b"PK\x03\x04\x00\x00\x01\x02garbage\x00");
    let plain = run_env(sb.path(), &["scan", "--format", "json", "."], None, None);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    let message = "unreadable zip archive: invalid Zip archive: Could not find EOCD";
    assert_eq!(
        plain.stderr,
        format!("warning: {EVIL_SHOWN}: {message}\n"),
        "{:?}",
        plain.stderr
    );
    let command = format!(
        "::warning title=sprawl%3A evil.zip\\n%3A%3Aerror file=x%3A%3AINJECTED%250A\\u{{1b}}]0;title\\u{{7}}::{}: {message}\n",
        EVIL_SHOWN.replace('%', "%25")
    );
    let in_actions = run_env(
        sb.path(),
        &["scan", "--format", "json", "."],
        Some("true"),
        None,
    );
    assert_eq!(in_actions.stderr, command, "{:?}", in_actions.stderr);
    let github_format = run_env(sb.path(), &["scan", "--format", "github", "."], None, None);
    assert_eq!(github_format.stderr, command);
    for run in [&plain, &in_actions, &github_format] {
        assert!(!run.stderr.contains(['\x1b', '\x07', '\r']));
        assert!(run.stderr.lines().all(|l| !l.starts_with("::error")));
    }
}

#[test]
fn a_fifo_named_on_the_command_line_is_refused_and_dash_still_reads_stdin() {
    let sb = Sandbox::new();
    mkfifo(&sb.join("pipe"));
    symlink(sb.join("pipe"), sb.join("link")).unwrap();
    for arg in ["pipe", "link"] {
        let run = run_env(sb.path(), &["scan", arg], None, None);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert_eq!(
            run.stderr,
            format!(
                "error: {arg}: not scanned: a FIFO (only regular files and directories are; use `-` to read a stream from standard input)\n"
            )
        );
    }
    let run = run_env(
        sb.path(),
        &["scan", "--format", "json", "-"],
        None,
        Some(env_with(GH1).as_bytes()),
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let r: Report = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(secrets(&r), vec![("<stdin>".into(), redacted(GH1))]);
}

#[test]
fn standard_input_is_read_up_to_the_size_limit_then_cut_with_a_warning() {
    let sb = Sandbox::new();
    let mut input = env_with(GH1);
    input.push_str(&"filler line\n".repeat(100));
    assert!(input.len() < 2000);
    input.push_str(&"x".repeat(2000 - input.len()));
    input.push_str(&env_with(GH2)); // past the limit: not read
    let run = run_env(
        sb.path(),
        &["scan", "--format", "json", "--max-file-size", "2000", "-"],
        None,
        Some(input.as_bytes()),
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let r: Report = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(secrets(&r), vec![("<stdin>".into(), redacted(GH1))]);
    assert_eq!(r.stats.bytes, 2000);
    assert_eq!(
        errors(&r),
        vec![(
            "<stdin>".into(),
            "longer than the size limit (--max-file-size, 2000 bytes): only the first 2000 bytes were scanned".into()
        )]
    );
}

/// `len` bytes of a pseudo-random 64 KiB block repeated: deflate (32 KiB window) cannot shrink it.
pub(super) fn incompressible(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let block: Vec<u8> = (0..64 << 10)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    block.iter().copied().cycle().take(len).collect()
}

/// `gzip -1` of `data` (the system tool: fast on large inputs in a debug test build).
pub(super) fn gzip_fast(data: &[u8]) -> Vec<u8> {
    let mut child = std::process::Command::new("gzip")
        .arg("-1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let data = data.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&data).unwrap());
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(out.status.success());
    out.stdout
}

#[test]
fn a_tgz_whose_tar_is_over_the_member_limit_still_has_its_small_members_scanned() {
    let sb = Sandbox::new();
    let big = incompressible((51 << 20) + 1);
    let tar = crate::archives::tar_bytes(&[
        ("a.env", env_with(GH1).as_bytes()),
        ("big.bin", &big),
        ("z.env", env_with(GH2).as_bytes()),
    ]);
    drop(big);
    sb.file("bundle.tgz", gzip_fast(&tar));
    drop(tar);
    let started = std::time::Instant::now();
    let (run, r) = scan_json(sb.path(), &["--max-file-size", "200MiB", "."]);
    let took = started.elapsed();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        secrets(&r),
        vec![
            ("bundle.tgz!a.env".into(), redacted(GH1)),
            ("bundle.tgz!z.env".into(), redacted(GH2))
        ]
    );
    assert_eq!(
        errors(&r),
        vec![(
            "bundle.tgz!big.bin".into(),
            "archive member larger than 52428800 bytes: not scanned".into()
        )]
    );
    eprintln!("51 MiB tgz member streamed past in {took:?}");
}

/// A zip of `n` members of 1,000,000 bytes each (under the per-member ratio floor), the first holding
/// GH1, wrapped in gzip: every level stays under 200:1, the whole file expands more than 1000:1.
fn nested_bomb(n: usize) -> (Vec<u8>, usize) {
    let one = zip_bytes(&[("m.txt", &vec![b'a'; 1_000_000])]);
    let mut source = zip::ZipArchive::new(std::io::Cursor::new(one)).unwrap();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    w.start_file("a.env", zip::write::SimpleFileOptions::default())
        .unwrap();
    w.write_all(env_with(GH1).as_bytes()).unwrap();
    for i in 0..n {
        w.raw_copy_file_rename(source.by_index(0).unwrap(), format!("m{i:05}.txt"))
            .unwrap();
    }
    let inner = w.finish().unwrap().into_inner();
    (gz_bytes(&inner), inner.len())
}

#[test]
fn a_small_file_that_expands_hugely_is_stopped_by_its_overall_compression_ratio() {
    let sb = Sandbox::new();
    let (bomb, inner_len) = nested_bomb(1400);
    // Each level stays under 200:1, so only the whole-file ratio can stop it.
    assert!(
        inner_len < bomb.len() * 200,
        "{inner_len} from {}",
        bomb.len()
    );
    assert!(bomb.len() < 32 << 10, "{}", bomb.len());
    sb.file("bomb.gz", &bomb);
    let started = std::time::Instant::now();
    let (run, r) = scan_json(sb.path(), &["."]);
    let took = started.elapsed();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        secrets(&r),
        vec![("bomb.gz!bomb!a.env".into(), redacted(GH1))]
    );
    assert_eq!(
        errors(&r),
        vec![(
            "bomb.gz!bomb".into(),
            "archive expands more than 200:1 overall (limit 16777216 bytes; an archive bomb?): the remaining members are not scanned".into()
        )]
    );
    // 1.4 GB were on offer; what was scanned is within the 16 MiB floor.
    assert!(r.stats.bytes <= 16 << 20, "{}", r.stats.bytes);
    eprintln!(
        "{} byte bomb ({} byte zip of 1.4 GB of members): stopped after {} bytes in {took:?}",
        bomb.len(),
        inner_len,
        r.stats.bytes
    );
}

#[test]
fn csv_fields_have_control_characters_escaped_and_formulas_neutralised() {
    let sb = Sandbox::new();
    let name = "=HYPERLINK(\"http:evil.test\",\"x\")\x1b[2J.env";
    sb.file(name, env_with(GH1));
    let run = run_env(sb.path(), &["scan", "--format", "csv", "."], None, None);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let mut rows = ::csv::Reader::from_reader(run.stdout.as_bytes());
    let paths: Vec<String> = rows
        .records()
        .map(|r| r.unwrap().get(5).unwrap().to_string())
        .collect();
    assert_eq!(
        paths,
        vec!["'=HYPERLINK(\"http:evil.test\",\"x\")\\u{1b}[2J.env".to_string()]
    );
    assert!(!run.stdout.contains('\x1b'));
}

#[test]
fn a_file_skipped_for_its_size_is_an_entry_in_json_errors() {
    let sb = Sandbox::new();
    sb.file("big.env", "x".repeat(2000))
        .file("app.env", env_with(GH1));
    let (run, r) = scan_json(sb.path(), &["--max-file-size", "1000", "."]);
    assert_eq!(run.code, 1);
    assert_eq!(secrets(&r), vec![("app.env".into(), redacted(GH1))]);
    assert_eq!(
        errors(&r),
        vec![(
            "big.env".into(),
            "skipped: 2.0 KiB is over the size limit (--max-file-size)".into()
        )]
    );
}

#[test]
fn a_partial_clone_summarises_its_missing_blobs_once() {
    let repo = Repo::init();
    repo.write("a.env", &env_with(GH1))
        .write("b.txt", "old filler\n");
    repo.commit("one", ALICE, 1);
    repo.write("a.env", &env_with(GH2))
        .write("b.txt", "new filler\n");
    repo.commit("two", ALICE, 2);
    repo.git(&["config", "uploadpack.allowFilter", "true"]);
    let sb = Sandbox::new();
    let url = format!("file://{}", repo.path().display());
    crate::git::git_in(
        sb.path(),
        &["clone", "-q", "--filter=blob:none", &url, "clone"],
    );
    // Only HEAD's blobs were fetched (by the checkout): the first commit's two are missing.
    let (run, r) = scan_json(sb.path(), &["--git", "clone"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(secrets(&r), vec![("a.env".into(), redacted(GH2))]);
    assert_eq!(
        errors(&r),
        vec![(
            format!("{}/clone/.git/", sb.path().display()),
            "partial clone: 2 blobs not available (never fetched from the promisor remote; sprawl does not fetch): not scanned".into()
        )]
    );
}

#[test]
fn an_object_whose_content_does_not_match_its_id_is_one_warning_and_scanned_as_it_is() {
    let (repo, _) = three_commits();
    let blob = repo.git(&["rev-parse", "HEAD:b.txt"]);
    let file = repo
        .path()
        .join(".git/objects")
        .join(&blob[..2])
        .join(&blob[2..]);
    let content = env_with(GH1);
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    write!(z, "blob {}\0{content}", content.len()).unwrap();
    std::fs::remove_file(&file).unwrap();
    std::fs::write(&file, z.finish().unwrap()).unwrap();
    let (run, r) = scan_json(repo.path(), &["--git", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        secrets(&r),
        vec![
            ("a.env".into(), redacted(GH1)),
            ("b.txt".into(), redacted(GH1)),
            ("c.env".into(), redacted(GH2))
        ]
    );
    assert_eq!(
        errors(&r),
        vec![(
            format!("object {blob}"),
            "content does not match the object id (1 loose object in this repository): the repository is damaged or was tampered with; the content is scanned as it is".into()
        )]
    );
}

#[test]
fn github_org_clones_file_urls_from_a_loopback_api_only_with_the_test_switch() {
    let sb = Sandbox::new();
    let (repo, _) = three_commits();
    let bare = repo.bare_clone(&sb.join("repos/a.git"));
    let url = format!("file://{}", bare.display());
    let body = serde_json::json!([{
        "full_name": "acme/a", "clone_url": url, "archived": false, "fork": false,
        "private": false, "default_branch": "main",
    }])
    .to_string();
    let api = crate::bulk::MockApi::start(move |_, path| {
        (path == "/orgs/acme/repos?per_page=100&type=all").then(|| (body.clone(), None))
    });
    let run = |switch: bool| {
        let mut cmd = sprawl();
        cmd.current_dir(sb.path())
            .env_remove("GITHUB_TOKEN")
            .env_remove("GITHUB_ACTIONS")
            .args(["github-org", "acme", "--api-url", &api.base])
            .args(["--clone-dir", "cache", "--format", "json"]);
        if switch {
            cmd.env("SPRAWL_TEST_FILE_CLONES", "1");
        } else {
            cmd.env_remove("SPRAWL_TEST_FILE_CLONES");
        }
        run_cmd(&mut cmd, None)
    };
    let refused = run(false);
    assert_eq!(
        refused.stderr,
        format!(
            "sprawl: acme: 1 repositories to scan (0 archived and 0 forks left out)\n\
             warning: acme/a: clone URL {url} is not on {}; not cloned\n",
            api.base
        )
    );
    assert!(
        !sb.join("cache").exists() || std::fs::read_dir(sb.join("cache")).unwrap().count() == 0
    );
    let allowed = run(true);
    assert_eq!(allowed.code, 1, "{}", allowed.stderr);
    let r: Report = serde_json::from_str(&allowed.stdout).unwrap();
    assert_eq!(
        secrets(&r),
        vec![
            ("a.env".into(), redacted(GH1)),
            ("c.env".into(), redacted(GH2))
        ]
    );
}

#[test]
fn secrets_in_file_and_member_names_are_redacted_unless_no_redact() {
    let sb = Sandbox::new();
    // GH1 is in this file's name and content; GH2 only in the name of a corrupt archive (a warning).
    sb.file(&format!("keys/{GH1}.env"), env_with(GH1)).file(
        &format!("{GH2}.zip"),
        b"PK\x03\x04\x00\x00\x01\x02garbage\x00",
    );
    let tar = crate::archives::tar_bytes(&[(&format!("{GH1}.txt"), b"\x7fELF\0\0\x01bin\0")]);
    sb.file("bundle.tar", &tar);
    let run = run_env(sb.path(), &["scan", "."], None, None);
    assert_eq!(run.code, 1, "{}", run.stderr);
    for text in [&run.stdout, &run.stderr] {
        assert!(!text.contains(GH1) && !text.contains(GH2), "{text}");
    }
    assert_eq!(
        run.stderr,
        format!(
            "warning: {}.zip: unreadable zip archive: invalid Zip archive: Could not find EOCD\n",
            redacted(GH2)
        )
    );
    let (_, r) = scan_json(sb.path(), &["."]);
    assert_eq!(
        secrets(&r),
        vec![(format!("keys/{}.env", redacted(GH1)), redacted(GH1))]
    );
    assert_eq!(
        errors(&r),
        vec![(
            format!("{}.zip", redacted(GH2)),
            "unreadable zip archive: invalid Zip archive: Could not find EOCD".into()
        )]
    );
    let (_, shown) = scan_json(sb.path(), &["--no-redact", "."]);
    assert_eq!(
        secrets(&shown),
        vec![(format!("keys/{GH1}.env"), GH1.to_string())]
    );
    assert_eq!(errors(&shown)[0].0, format!("{GH2}.zip"));
}

#[test]
fn an_invalid_gitleaks_regex_holding_a_key_is_not_echoed() {
    let sb = Sandbox::new();
    sb.file("x.env", "nothing here\n").file(
        "gitleaks.toml",
        format!("[[rules]]\nid = \"leaky\"\nregex = '''{GH1}(unclosed'''\n"),
    );
    let run = run_env(
        sb.path(),
        &["scan", "--config", "gitleaks.toml", "."],
        None,
        None,
    );
    assert_eq!(run.code, 2);
    assert!(!run.stderr.contains(GH1), "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "error: gitleaks.toml:1: gitleaks config: rule `leaky`: invalid regex: unclosed group (at character 41)\n"
    );
}
