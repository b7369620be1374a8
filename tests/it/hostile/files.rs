//! Hostile files (issue 16 §2): special files, symlinks out of the tree, files that change while read,
//! huge and sparse files, archives built to escape or explode, and config files built to stall the
//! parser. Each scan runs under [`run_bounded`]: a hang fails the test instead of stalling the suite.

use std::io::Write;
use std::os::unix::fs::symlink;

use super::{env_with, errors, mkfifo, redacted, secrets};
use crate::archives::{tar_bytes, zip_bytes};
use crate::support::*;

#[test]
fn fifos_sockets_devices_and_symlinks_out_of_the_tree_are_skipped_without_blocking() {
    let outside = Sandbox::new();
    outside.file("secret/key.env", env_with(GH2));
    let sb = Sandbox::new();
    sb.file("app.env", env_with(GH1));
    mkfifo(&sb.join("fifo.env"));
    let _socket = std::os::unix::net::UnixListener::bind(sb.join("socket.env")).unwrap();
    // A character device (like /dev/zero) needs root to make; as any user, symlinks to the real ones.
    let mknod = std::process::Command::new("mknod")
        .arg(sb.join("zero.env"))
        .args(["c", "1", "5"])
        .output();
    let made_device = mknod.is_ok_and(|o| o.status.success());
    for (link, target) in [
        ("dev-zero.env", "/dev/zero"),
        ("dev-random.env", "/dev/urandom"),
        ("tty.env", "/dev/tty"),
    ] {
        symlink(target, sb.join(link)).unwrap();
    }
    symlink(outside.join("secret"), sb.join("out-dir")).unwrap();
    symlink(outside.join("secret/key.env"), sb.join("out-file.env")).unwrap();
    symlink("../../../../../../../../etc", sb.join("etc")).unwrap();
    let (run, r) = scan_json_bounded(sb.path(), &["."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(secrets(&r), vec![("app.env".into(), redacted(GH1))]);
    assert_eq!(r.stats.files, 1, "device made: {made_device}");
    assert!(r.errors.is_empty(), "{:?}", r.errors);
}

#[test]
fn an_unreadable_directory_is_one_warning_and_the_rest_is_scanned() {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::new();
    std::fs::set_permissions(sb.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    sb.file("app.env", env_with(GH1))
        .file("locked/inner.env", env_with(GH2));
    for f in ["app.env", "locked/inner.env"] {
        std::fs::set_permissions(sb.join(f), std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    std::fs::set_permissions(sb.join("locked"), std::fs::Permissions::from_mode(0o000)).unwrap();
    let run = crate::inputs::run_unprivileged(sb.path(), &["scan", "--format", "json", "."]);
    std::fs::set_permissions(sb.join("locked"), std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(run.code, 1, "{}", run.stderr);
    let r: Report = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(secrets(&r), vec![("app.env".into(), redacted(GH1))]);
    assert_eq!(errors(&r).len(), 1, "{:?}", r.errors);
    assert!(r.errors[0].path.ends_with("locked"), "{:?}", r.errors);
    assert!(
        r.errors[0].message.contains("Permission denied"),
        "{:?}",
        r.errors
    );
}

#[test]
fn files_that_grow_or_shrink_while_they_are_read_are_read_at_most_to_the_size_limit() {
    let sb = Sandbox::new();
    sb.file("app.env", env_with(GH1));
    let mut growing = std::fs::File::create(sb.join("growing.log")).unwrap();
    growing.write_all(&vec![b'x'; 512 << 10]).unwrap();
    let shrinking = sb.join("shrinking.log");
    std::fs::write(&shrinking, vec![b'z'; 768 << 10]).unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let chunk = vec![b'y'; 64 << 10];
            let mut written = 0u64;
            // One file grows to at most 256 MiB while sprawl runs; the other is cut to nothing and
            // filled again, over and over.
            while !stop.load(std::sync::atomic::Ordering::Relaxed) && written < 256 << 20 {
                growing.write_all(&chunk).unwrap();
                written += chunk.len() as u64;
                let f = std::fs::OpenOptions::new()
                    .write(true)
                    .open(&shrinking)
                    .unwrap();
                f.set_len(if written % (128 << 10) == 0 {
                    0
                } else {
                    768 << 10
                })
                .unwrap();
            }
        })
    };
    let (run, r) = scan_json_bounded(sb.path(), &["--max-file-size", "1MiB", "."]);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    writer.join().unwrap();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(secrets(&r), vec![("app.env".into(), redacted(GH1))]);
    // Read whole while under the limit, or skipped once over it: never past it.
    assert!(r.stats.bytes <= 2 * (1 << 20) + 64, "{}", r.stats.bytes);
    for (path, message) in errors(&r) {
        assert_eq!(path, "growing.log");
        assert!(message.contains("over the size limit"), "{message}");
    }
}

#[test]
fn a_four_gib_sparse_file_is_skipped_by_its_size_without_being_read() {
    let sb = Sandbox::new();
    let f = std::fs::File::create(sb.join("sparse.env")).unwrap();
    (&f).write_all(env_with(GH1).as_bytes()).unwrap();
    f.set_len(4 << 30).unwrap();
    sb.file("app.env", env_with(GH2));
    let (run, r) = scan_json_bounded(sb.path(), &["."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(secrets(&r), vec![("app.env".into(), redacted(GH2))]);
    assert_eq!(
        errors(&r),
        vec![(
            "sparse.env".into(),
            "skipped: 4.0 GiB is over the size limit (--max-file-size)".into()
        )]
    );
    assert!(r.stats.bytes < 1000, "{}", r.stats.bytes);
}

#[test]
fn twenty_thousand_empty_files_are_counted_and_nothing_else() {
    // The cheap version of 1,000,000 empty files (scripts/hostile-bench.sh measures that one).
    let sb = Sandbox::new();
    for d in 0..20 {
        let dir = sb.join(&format!("d{d:02}"));
        std::fs::create_dir(&dir).unwrap();
        for i in 0..1000 {
            std::fs::File::create(dir.join(format!("{i:04}.env"))).unwrap();
        }
    }
    sb.file("d07/app.env", env_with(GH1));
    let (run, r) = scan_json_bounded(sb.path(), &["."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(secrets(&r), vec![("d07/app.env".into(), redacted(GH1))]);
    assert_eq!((r.stats.files, r.errors.len()), (20_001, 0));
}

#[test]
fn zip_slip_names_are_report_paths_only_and_nothing_is_written() {
    let sb = Sandbox::new();
    let body = env_with(GH1);
    let zip = zip_bytes(&[
        ("../../../../tmp/slip.env", body.as_bytes()),
        ("/etc/abs.env", body.as_bytes()),
        ("..\\..\\win.env", body.as_bytes()),
        ("C:/drive.env", body.as_bytes()),
    ]);
    sb.file("dir/slip.zip", &zip);
    let mut tar = tar_bytes(&[("ok.env", body.as_bytes())]);
    // tar refuses `..` when building: write the name into the header by hand.
    tar[..12].copy_from_slice(b"../../ok.env");
    let mut header = tar::Header::from_byte_slice(&tar[..512]).clone();
    header.set_cksum();
    tar[..512].copy_from_slice(header.as_bytes());
    sb.file("dir/slip.tar", &tar);
    let before: Vec<_> = std::fs::read_dir(sb.path()).unwrap().collect();
    let (run, r) = scan_json_bounded(sb.path(), &["."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let mut paths: Vec<String> = r.findings.iter().map(|f| f.path.clone()).collect();
    paths.sort();
    assert_eq!(
        paths,
        vec![
            "dir/slip.tar!../../ok.env",
            "dir/slip.zip!../../../../tmp/slip.env",
            "dir/slip.zip!../../win.env",
            "dir/slip.zip!C:/drive.env",
            "dir/slip.zip!etc/abs.env",
        ]
    );
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(std::fs::read_dir(sb.path()).unwrap().count(), before.len());
    assert!(!std::path::Path::new("/tmp/slip.env").exists());
}

#[test]
fn a_tar_declaring_a_one_terabyte_member_is_a_warning_and_its_other_members_are_scanned() {
    let sb = Sandbox::new();
    let mut tar = tar_bytes(&[("a.env", env_with(GH1).as_bytes())]);
    tar.truncate(tar.len() - 1024); // the end-of-archive blocks
    let mut h = tar::Header::new_gnu();
    h.set_path("huge.bin").unwrap();
    h.set_size(1 << 40);
    h.set_mode(0o644);
    h.set_cksum();
    tar.extend_from_slice(h.as_bytes());
    tar.extend_from_slice(&vec![b'z'; 1 << 20]); // then the file ends
    sb.file("huge.tar", &tar);
    let (run, r) = scan_json_bounded(sb.path(), &["--max-file-size", "10MiB", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(secrets(&r), vec![("huge.tar!a.env".into(), redacted(GH1))]);
    // The declared size is refused unread; skipping past it then meets the end of the file.
    assert_eq!(
        errors(&r),
        vec![
            (
                "huge.tar".into(),
                "unreadable tar archive: unexpected EOF during skip".into()
            ),
            (
                "huge.tar!huge.bin".into(),
                "archive member larger than 52428800 bytes: not scanned".into()
            )
        ]
    );
}

#[test]
fn a_gzip_bomb_is_refused_by_its_ratio() {
    let sb = Sandbox::new();
    let mut data = env_with(GH1).into_bytes();
    data.resize(64 << 20, 0);
    sb.file("bomb.env.gz", super::gzip_fast(&data));
    drop(data);
    let (run, r) = scan_json_bounded(sb.path(), &["."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        errors(&r),
        vec![(
            "bomb.env.gz!bomb.env".into(),
            "archive member larger than 52428800 bytes: not scanned".into()
        )]
    );
    assert!(r.stats.bytes < 1 << 20, "{}", r.stats.bytes);
}

#[test]
fn an_encrypted_zip_member_is_a_warning_and_the_others_are_scanned() {
    let sb = Sandbox::new();
    let mut zip = zip_bytes(&[
        ("locked.env", env_with(GH1).as_bytes()),
        ("open.env", env_with(GH2).as_bytes()),
    ]);
    // Set the "encrypted" flag (bit 0) of the first member, in its local header and central entry.
    zip[6] |= 1;
    let central = zip.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
    zip[central + 8] |= 1;
    sb.file("bundle.zip", &zip);
    let (run, r) = scan_json_bounded(sb.path(), &["."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        secrets(&r),
        vec![("bundle.zip!open.env".into(), redacted(GH2))]
    );
    assert_eq!(errors(&r).len(), 1, "{:?}", r.errors);
    let (path, message) = &errors(&r)[0];
    assert_eq!(path, "bundle.zip!locked.env");
    assert!(
        message.starts_with("unreadable archive member: "),
        "{message}"
    );
}

/// `sprawl scan ARGS x.txt` in a sandbox holding `files`, bounded.
fn scan_with(files: &[(&str, &[u8])], args: &[&str]) -> Run {
    let sb = Sandbox::new();
    sb.file("x.txt", "nothing\n");
    for (name, data) in files {
        sb.file(name, data);
    }
    run_bounded(
        sprawl()
            .current_dir(sb.path())
            .arg("scan")
            .args(args)
            .arg("x.txt"),
    )
}

#[test]
fn hostile_config_and_rule_files_are_clear_errors_in_bounded_time() {
    // Exponential in a backtracking engine, linear here: the scan simply finishes.
    let evil = "[[rules]]\nid = \"x.evil\"\nname = \"evil\"\nkeywords = [\"aaaa\"]\n\
                pattern = '''(?P<secret>(a+)+)$'''\nconfidence = \"high\"\n";
    let sb = Sandbox::new();
    sb.file("evil.toml", evil)
        .file("in.txt", format!("{}!\n", "a".repeat(200_000)));
    let run = run_bounded(sprawl().current_dir(sb.path()).args([
        "scan",
        "--config",
        "evil.toml",
        "in.txt",
    ]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    // A 17 MiB config or rule file is refused unread.
    let big = format!("{evil}{}", "#\n".repeat(17 << 19));
    for args in [&["--config", "big.toml"][..], &["--inventory", "big.toml"]] {
        let run = scan_with(&[("big.toml", big.as_bytes())], args);
        assert_eq!(run.code, 2);
        assert_eq!(
            run.stderr,
            "error: big.toml: larger than 16777216 bytes (the limit for config, rule and inventory files): not read\n"
        );
    }
    let sb = Sandbox::new();
    sb.file("big.toml", &big);
    let check = run_bounded(
        sprawl()
            .current_dir(sb.path())
            .args(["rules", "check", "big.toml"]),
    );
    assert_eq!(check.code, 2);
    assert!(
        check.stderr.contains("larger than 16777216 bytes"),
        "{}",
        check.stderr
    );
    // Deep nesting: TOML's recursion limit, and a depth check before the YAML parser (which is
    // quadratic in it).
    let deep_toml = format!("a = {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let run = scan_with(
        &[("deep.toml", deep_toml.as_bytes())],
        &["--config", "deep.toml"],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("error: deep.toml:1:"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("recursion limit exceeded"),
        "{}",
        run.stderr
    );
    let deep_yaml = format!(
        "credentials: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let run = scan_with(
        &[("inv.yaml", deep_yaml.as_bytes())],
        &["--inventory", "inv.yaml"],
    );
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: inv.yaml:1: nested more than 64 levels deep\n"
    );
}
