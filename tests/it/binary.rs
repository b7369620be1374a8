//! Binary files (a NUL in the first 8 KiB, neither UTF-16 text nor an archive): their printable runs,
//! ASCII and UTF-16LE of 8+ characters, are scanned with the provider rules only, and a finding sits at
//! line 1, column = byte offset + 1. `--no-binary` skips them as before.

use crate::archives::zip_bytes;
use crate::support::*;

/// `n` bytes that look like machine code: pseudo-random (fixed seed), with NULs, and no printable
/// run of 8 (every 7th byte is a NUL).
fn noise(n: usize, seed: u32) -> Vec<u8> {
    let mut x = seed;
    (0..n)
        .map(|i| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            if i % 7 == 0 {
                0
            } else {
                (x >> 16) as u8
            }
        })
        .collect()
}

/// An ELF-like binary with `payload` at a known offset; returns (bytes, offset of the payload).
fn binary_with(payload: &[u8]) -> (Vec<u8>, usize) {
    let mut bin = b"\x7fELF\x02\x01\x01\0".to_vec();
    bin.extend(noise(300, 7));
    let at = bin.len();
    bin.extend_from_slice(payload);
    bin.extend(noise(200, 11));
    (bin, at)
}

fn utf16le(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

fn found(path: &str, offset: usize) -> (String, u32, u32, String) {
    (
        path.into(),
        1,
        offset as u32 + 1,
        "github.pat-classic".into(),
    )
}

#[test]
fn an_ascii_token_in_a_binary_is_found_at_its_byte_offset() {
    let sb = Sandbox::new();
    let (bin, at) = binary_with(format!("token:{GH1}").as_bytes());
    sb.file("build/tool.so", &bin).file("ok.txt", "plain\n");
    let (run, r) = scan_json(sb.path(), &["."]);
    assert_eq!(run.code, 1);
    assert_eq!(locations(&r), vec![found("build/tool.so", at + 6)]);
    assert_eq!(r.findings[0].end_column as usize, at + 6 + GH1.len() + 1);
    assert_eq!(r.stats.files, 2);
    assert_eq!(r.stats.bytes as usize, bin.len() + "plain\n".len());
}

#[test]
fn a_utf16le_token_in_a_binary_is_found_at_its_byte_offset() {
    let sb = Sandbox::new();
    // At an odd offset, as UTF-16 strings in a resource section often are not aligned for us.
    let mut payload = vec![0x01];
    payload.extend(utf16le(&format!("key={GH2}")));
    let (bin, at) = binary_with(&payload);
    sb.file("app.exe", &bin);
    let (_, r) = scan_json(sb.path(), &["."]);
    let start = at + 1 + 2 * "key=".len();
    assert_eq!(locations(&r), vec![found("app.exe", start)]);
    assert_eq!(r.findings[0].end_column as usize, start + 2 * GH2.len() + 1);
}

#[test]
fn generic_rules_do_not_run_on_binaries() {
    let sb = Sandbox::new();
    let assignment = "db_password = \"Vq7#pL2m!Xz9@Rt4\"\n";
    let (bin, _) = binary_with(assignment.as_bytes());
    sb.file("data.sqlite", &bin).file("app.env", assignment);
    let (_, r) = scan_json(sb.path(), &["--min-confidence", "low", "."]);
    let got: Vec<(String, String)> = r
        .findings
        .iter()
        .map(|f| (f.path.clone(), f.provider.clone()))
        .collect();
    // The same text in a text file is a generic finding: only the binary is spared.
    assert_eq!(got, vec![("app.env".into(), "generic".into())]);
}

#[test]
fn no_binary_skips_binaries_as_before() {
    let sb = Sandbox::new();
    let (bin, _) = binary_with(GH1.as_bytes());
    sb.file("tool.bin", &bin)
        .file("lib.zip", zip_bytes(&[("native.so", &bin)]))
        .file("ok.txt", "plain\n");
    let (run, r) = scan_json(sb.path(), &["--no-binary", "."]);
    assert_eq!(run.code, 0);
    assert!(r.findings.is_empty());
    assert_eq!(r.stats.files, 1);
    assert_eq!(r.stats.bytes, "plain\n".len() as u64);
}

#[test]
fn a_binary_archive_member_is_scanned_at_its_offset() {
    let sb = Sandbox::new();
    let (bin, at) = binary_with(GH1.as_bytes());
    sb.file("wheel.whl", zip_bytes(&[("pkg/_native.so", &bin)]));
    let (_, r) = scan_json(sb.path(), &["."]);
    assert_eq!(locations(&r), vec![found("wheel.whl!pkg/_native.so", at)]);
}

#[test]
fn binary_blobs_in_git_history_and_staged_are_scanned() {
    let repo = crate::git::Repo::init();
    let (bin, at) = binary_with(GH1.as_bytes());
    repo.sb.file("lib/blob.bin", &bin);
    let first = repo.commit("add binary", crate::git::ALICE, 1);
    let (_, r) = scan_json(repo.path(), &["--git", "."]);
    assert_eq!(
        commit_locations(&r),
        vec![("lib/blob.bin".into(), 1, at as u32 + 1, Some(first))]
    );
    let (bin2, at2) = binary_with(GH2.as_bytes());
    repo.sb.file("lib/other.bin", &bin2);
    repo.git(&["add", "lib/other.bin"]);
    let (_, r) = scan_json(repo.path(), &["--staged", "."]);
    assert_eq!(locations(&r), vec![found("lib/other.bin", at2)]);
}
