//! Archives (zip and its kin, tar, tar.gz, gz) are opened and their members scanned at `archive!member`
//! paths, nested too; corrupt archives and bombs are warnings, never crashes. UTF-16 text (LE/BE, with or
//! without a byte-order mark) is found at the right lines.

use std::io::Write;

use crate::support::*;

pub fn zip_bytes(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in members {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

pub fn tar_bytes(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in members {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, *data).unwrap();
    }
    b.into_inner().unwrap()
}

pub fn gz_bytes(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn env_with_token(token: &str) -> Vec<u8> {
    format!("# deploy settings\nGITHUB_TOKEN={token}\n").into_bytes()
}

/// (path, message) of each error entry.
fn error_pairs(r: &Report) -> Vec<(&str, &str)> {
    r.errors
        .iter()
        .map(|e| (e.path.as_str(), e.message.as_str()))
        .collect()
}

fn gh(path: &str) -> (String, u32, u32, String) {
    (path.into(), 2, 14, "github.pat-classic".into())
}

#[test]
fn zip_family_members_are_scanned_with_inner_paths() {
    let sb = Sandbox::new();
    let env = env_with_token(GH1);
    let z = zip_bytes(&[
        ("docs/", b""),
        ("config/app.env", &env),
        ("README.md", b"nothing here\n"),
    ]);
    sb.file("bundle.zip", &z)
        .file("lib/tool.jar", &z)
        .file("dist/pkg-1.0-py3-none-any.whl", &z)
        .file("pkg.1.0.nupkg", &z);
    let (run, r) = scan_json(sb.path(), &["."]);
    assert_eq!(run.code, 1);
    assert_eq!(
        locations(&r),
        vec![
            gh("bundle.zip!config/app.env"),
            gh("dist/pkg-1.0-py3-none-any.whl!config/app.env"),
            gh("lib/tool.jar!config/app.env"),
            gh("pkg.1.0.nupkg!config/app.env"),
        ]
    );
    assert!(r.errors.is_empty());
    assert_eq!(
        r.stats.files, 8,
        "two text members in each of four archives"
    );
}

#[test]
fn tar_tgz_gz_and_nested_archives() {
    let sb = Sandbox::new();
    let env = env_with_token(GH1);
    let t = tar_bytes(&[("etc/app.env", &env)]);
    let tgz = gz_bytes(&t);
    let inner_tgz = gz_bytes(&tar_bytes(&[("c.txt", &env_with_token(GH2))]));
    let nested = zip_bytes(&[("b.tar.gz", &inner_tgz)]);
    sb.file("a.tar", &t)
        .file("b.tgz", &tgz)
        .file("c.tar.gz", &tgz)
        .file("settings.env.gz", gz_bytes(&env))
        .file("a.zip", &nested);
    let (_, r) = scan_json(sb.path(), &["."]);
    assert_eq!(
        locations(&r),
        vec![
            gh("a.tar!etc/app.env"),
            gh("a.zip!b.tar.gz!c.txt"),
            gh("b.tgz!etc/app.env"),
            gh("c.tar.gz!etc/app.env"),
            gh("settings.env.gz!settings.env"),
        ]
    );
    assert!(r.errors.is_empty(), "{:?}", r.errors);
}

#[test]
fn a_corrupt_archive_is_a_warning_and_the_scan_goes_on() {
    let sb = Sandbox::new();
    let mut broken = zip_bytes(&[("a.env", &env_with_token(GH1))]);
    broken.truncate(broken.len() / 2);
    let mut bad_gz = gz_bytes(&env_with_token(GH1));
    bad_gz.truncate(12);
    sb.file("broken.zip", &broken)
        .file("broken.gz", &bad_gz)
        .file("ok.env", env_with_token(GH2));
    let (run, r) = scan_json(sb.path(), &["."]);
    assert_eq!(run.code, 1);
    assert_eq!(locations(&r), vec![gh("ok.env")]);
    let errors: Vec<(&str, bool)> = r
        .errors
        .iter()
        .map(|e| (e.path.as_str(), e.message.starts_with("unreadable")))
        .collect();
    assert_eq!(errors, vec![("broken.gz", true), ("broken.zip", true)]);
    assert!(!run.stderr.contains(GH1) && !run.stdout.contains(GH1));
}

#[test]
fn a_zip_bomb_is_refused_by_its_compression_ratio() {
    let sb = Sandbox::new();
    let zeros = vec![b'0'; 20 << 20];
    let z = zip_bytes(&[("bomb.txt", &zeros), ("real.env", &env_with_token(GH1))]);
    assert!(z.len() < 200 << 10, "compresses over 100:1");
    sb.file("bomb.zip", &z);
    let (run, r) = scan_json(sb.path(), &["."]);
    assert_eq!(run.code, 1);
    assert_eq!(locations(&r), vec![gh("bomb.zip!real.env")]);
    let errors = error_pairs(&r);
    assert_eq!(
        errors,
        vec![(
            "bomb.zip!bomb.txt",
            "compression ratio over 200:1 (an archive bomb?): not scanned"
        )]
    );
}

#[test]
fn archives_nested_too_deep_are_not_opened() {
    let sb = Sandbox::new();
    let mut data = zip_bytes(&[("t.env", &env_with_token(GH1))]);
    for level in (1..=3).rev() {
        data = zip_bytes(&[(&format!("l{level}.zip"), &data)]);
    }
    sb.file("top.zip", &data);
    let (run, r) = scan_json(sb.path(), &["."]);
    assert_eq!(run.code, 0);
    assert!(r.findings.is_empty());
    let errors = error_pairs(&r);
    assert_eq!(
        errors,
        vec![(
            "top.zip!l1.zip!l2.zip!l3.zip",
            "archive nested more than 3 levels deep: not opened"
        )]
    );
}

#[test]
fn many_archives_nested_too_deep_are_one_warning_for_the_outer_archive() {
    let sb = Sandbox::new();
    let deep = zip_bytes(&[("t.env", &env_with_token(GH1))]);
    let deep = zip_bytes(&[("l3.zip", &deep)]);
    let names: Vec<String> = (0..1000).map(|i| format!("m{i:04}.zip")).collect();
    let members: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &deep[..])).collect();
    let mut data = zip_bytes(&members);
    data = zip_bytes(&[("l1.zip", &data)]);
    sb.file("top.zip", &data)
        .file("app.env", env_with_token(GH2));
    let (run, r) = scan_json(sb.path(), &["."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(locations(&r), vec![gh("app.env")]);
    let errors = error_pairs(&r);
    assert_eq!(
        errors,
        vec![(
            "top.zip",
            "1000 archives nested more than 3 levels deep: not opened (the first: top.zip!l1.zip!m0000.zip!l3.zip)"
        )]
    );
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
}

fn utf16(text: &str, le: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let units = (bom.then_some(0xfeff))
        .into_iter()
        .chain(text.encode_utf16());
    for u in units {
        out.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
    }
    out
}

#[test]
fn utf16_files_are_found_at_the_right_lines() {
    let sb = Sandbox::new();
    let text = format!("[settings]\r\nname = café ☕\r\ntoken = {GH1}\r\n");
    sb.file("le-bom.ini", utf16(&text, true, true))
        .file("le.ini", utf16(&text, true, false))
        .file("be-bom.ini", utf16(&text, false, true))
        .file("be.ini", utf16(&text, false, false));
    let z = zip_bytes(&[("w.ini", &utf16(&text, true, true))]);
    sb.file("win.zip", &z);
    let (_, r) = scan_json(sb.path(), &["."]);
    let at = |p: &str| (p.to_string(), 3, 9, "github.pat-classic".to_string());
    assert_eq!(
        locations(&r),
        vec![
            at("be-bom.ini"),
            at("be.ini"),
            at("le-bom.ini"),
            at("le.ini"),
            at("win.zip!w.ini")
        ]
    );
    assert!(r.findings.iter().all(|f| f.end_column == 9 + 40));
}

#[test]
fn archives_and_utf16_in_git_history() {
    let repo = crate::git::Repo::init();
    repo.sb
        .file(
            "dist/bundle.zip",
            zip_bytes(&[("config/app.env", &env_with_token(GH1))]),
        )
        .file("logs/app.env.gz", gz_bytes(&env_with_token(GH2)))
        .file(
            "win.ini",
            utf16(&format!("x\r\ntoken = {GH1}\r\n"), true, true),
        );
    let first = repo.commit("add bundle", crate::git::ALICE, 1);
    let (_, r) = scan_json(repo.path(), &["--git", "."]);
    assert_eq!(
        commit_locations(&r),
        vec![
            (
                "dist/bundle.zip!config/app.env".into(),
                2,
                14,
                Some(first.clone())
            ),
            // A gzip blob has no name while it is scanned; flate2 stores none in the header.
            ("logs/app.env.gz!content".into(), 2, 14, Some(first.clone())),
            ("win.ini".into(), 2, 9, Some(first)),
        ]
    );
}

#[test]
fn staged_utf16_file_is_found_at_its_line() {
    let repo = crate::git::Repo::init();
    repo.sb.file(
        "win.ini",
        utf16(&format!("x\r\ny\r\ntoken = {GH1}\r\n"), false, false),
    );
    repo.git(&["add", "win.ini"]);
    let (run, r) = scan_json(repo.path(), &["--staged"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        locations(&r),
        vec![("win.ini".into(), 3, 9, "github.pat-classic".into())]
    );
}
