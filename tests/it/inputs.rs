//! Hard inputs: ignore files, hidden files, `.git`, binary and non-UTF-8 data, CRLF, huge lines and
//! files, unreadable files, symlink loops, empty directories.

use std::os::unix::fs::PermissionsExt;

use crate::support::*;

#[test]
fn gitignore_is_respected_unless_no_ignore() {
    let sb = Sandbox::new();
    sb.file(".gitignore", "secrets/\n*.log\n")
        .file("secrets/prod.env", format!("T={GH1}\n"))
        .file("debug.log", format!("T={GH1}\n"))
        .file(".ignore", "vendor/\n")
        .file("vendor/x.env", format!("T={GH1}\n"))
        .file("app.env", format!("T={GH2}\n"));
    let (_, r) = scan_json(sb.path(), &["."]);
    assert_eq!(
        locations(&r),
        vec![("app.env".into(), 1, 3, "github.pat-classic".into())]
    );
    let (_, r) = scan_json(sb.path(), &["--no-ignore", "."]);
    let paths: Vec<String> = r.findings.iter().map(|f| f.path.clone()).collect();
    assert_eq!(
        paths,
        vec!["app.env", "debug.log", "secrets/prod.env", "vendor/x.env"]
    );
}

#[test]
fn hidden_files_are_scanned_and_dot_git_is_never_walked() {
    let sb = Sandbox::new();
    sb.file(".env", format!("T={GH1}\n"))
        .file(
            ".config/app/settings.json",
            format!("{{\"t\": \"{GH2}\"}}\n"),
        )
        .file(
            ".git/config",
            format!("url = https://x:{GH1}@github.com/o/r\n"),
        )
        .file(".git/objects/ab/cdef", format!("T={GH1}\n"));
    let (_, r) = scan_json(sb.path(), &["."]);
    let paths: Vec<String> = r.findings.iter().map(|f| f.path.clone()).collect();
    assert_eq!(paths, vec![".config/app/settings.json", ".env"]);
    assert_eq!(r.stats.files, 2);
}

#[test]
fn binary_files_are_skipped_with_no_binary() {
    let sb = Sandbox::new();
    let mut bin = vec![0x7f, b'E', b'L', b'F', 0, 0, 1];
    bin.extend_from_slice(GH1.as_bytes());
    sb.file("tool.bin", bin).file("ok.txt", "plain\n");
    let (run, r) = scan_json(sb.path(), &["--no-binary", "."]);
    assert_eq!(run.code, 0);
    assert!(r.findings.is_empty());
    assert_eq!(r.stats.files, 1);
    // By default their printable runs are scanned (tests/it/binary.rs): the token is at offset 7.
    let (_, r) = scan_json(sb.path(), &["."]);
    assert_eq!(
        locations(&r),
        vec![("tool.bin".into(), 1, 8, "github.pat-classic".into())]
    );
}

#[test]
fn latin1_and_crlf_files_are_found_at_the_right_line_and_column() {
    let sb = Sandbox::new();
    // "café" in Latin-1 (0xE9): not UTF-8. One byte per character.
    let mut latin1 = b"caf\xe9 = 1\r\nna\xefve t\xe9xt\r\n# \xe9\xe9 ".to_vec();
    latin1.extend_from_slice(GH1.as_bytes());
    latin1.extend_from_slice(b"\r\n");
    sb.file("latin1.properties", latin1);
    sb.file(
        "crlf.env",
        format!("A=1\r\nB=2\r\n\r\nTOKEN={GH2}\r\nC=3\r\n"),
    );
    let (_, r) = scan_json(sb.path(), &["."]);
    assert_eq!(
        locations(&r),
        vec![
            ("crlf.env".into(), 4, 7, "github.pat-classic".into()),
            (
                "latin1.properties".into(),
                3,
                6,
                "github.pat-classic".into()
            ),
        ]
    );
    assert_eq!(r.findings[0].end_column, 47);
}

#[test]
fn ten_megabyte_single_line_file() {
    let sb = Sandbox::new();
    let mut line = String::with_capacity(10 << 20);
    while line.len() < 10 << 20 {
        line.push_str("var a=function(b){return b.map(function(c){return c*2})};");
    }
    let column = line.chars().count() as u32 + 1 + "\"token\":\"".len() as u32;
    line.push_str(&format!("\"token\":\"{GH1}\";"));
    sb.file("bundle.min.js", line);
    let (_, r) = scan_json(sb.path(), &["."]);
    assert_eq!(
        locations(&r),
        vec![(
            "bundle.min.js".into(),
            1,
            column,
            "github.pat-classic".into()
        )]
    );
}

#[test]
fn huge_file_is_skipped_with_a_warning_unless_the_limit_allows_it() {
    let sb = Sandbox::new();
    let path = sb.join("dump.sql");
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        let row = "INSERT INTO t VALUES (1, 'some ordinary row content here', 42);\n";
        let mut written = 0usize;
        let mut lines = 0u32;
        while written < 200 << 20 {
            f.write_all(row.as_bytes()).unwrap();
            written += row.len();
            lines += 1;
        }
        writeln!(f, "-- token {GH1}").unwrap();
        f.flush().unwrap();
        assert!(lines > 3_000_000);
    }
    let (run, r) = scan_json(sb.path(), &["."]);
    assert_eq!(run.code, 0);
    assert!(r.findings.is_empty());
    assert_eq!(r.stats.files, 0);
    assert!(
        run.stderr.contains(
            "warning: dump.sql: skipped: 200.0 MiB is over the size limit (--max-file-size)"
        ),
        "{}",
        run.stderr
    );
    let (run, r) = scan_json(sb.path(), &["--max-file-size", "300M", "."]);
    assert_eq!(run.code, 1);
    assert_eq!(r.findings.len(), 1);
    assert_eq!(r.findings[0].column, 10);
    std::fs::remove_file(path).unwrap();
}

/// Runs as a user the file permissions apply to: as root, the child drops to `nobody`, running a copy
/// of the binary placed in a world-readable temp dir of its own (not in `dir`: it would be scanned, and
/// binaries are), so that where the build directory lives does not matter.
pub fn run_unprivileged(dir: &std::path::Path, args: &[&str]) -> Run {
    use std::os::unix::process::CommandExt;
    if unsafe_geteuid() != 0 {
        return run_cmd(sprawl().current_dir(dir).args(args), None);
    }
    let tmp = tempfile::tempdir().unwrap();
    let bin_dir = tmp.path();
    let bin = bin_dir.join("sprawl");
    std::fs::copy(env!("CARGO_BIN_EXE_sprawl"), &bin).unwrap();
    for p in [bin_dir, &bin] {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let mut cmd = std::process::Command::new(&bin);
    cmd.current_dir(dir).args(args).uid(65534).gid(65534);
    run_cmd(&mut cmd, None)
}

fn unsafe_geteuid() -> u32 {
    // /proc/self/status: "Uid: real effective saved fs"
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let uid_line = status.lines().find(|l| l.starts_with("Uid:")).unwrap();
    uid_line.split_whitespace().nth(2).unwrap().parse().unwrap()
}

#[test]
fn unreadable_file_is_a_warning_and_the_scan_goes_on() {
    let sb = Sandbox::new();
    std::fs::set_permissions(sb.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    sb.file("readable.env", format!("T={GH1}\n"));
    sb.file("locked.env", format!("T={GH2}\n"));
    std::fs::set_permissions(
        sb.join("readable.env"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    std::fs::set_permissions(
        sb.join("locked.env"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    let run = run_unprivileged(sb.path(), &["scan", "--format", "json", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let r: Report = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        locations(&r),
        vec![("readable.env".into(), 1, 3, "github.pat-classic".into())]
    );
    assert_eq!(r.errors.len(), 1);
    assert_eq!(r.errors[0].path, "locked.env");
    assert_eq!(r.errors[0].message, "Permission denied (os error 13)");
    assert_eq!(
        run.stderr,
        "warning: locked.env: Permission denied (os error 13)\n"
    );
}

#[test]
fn symlink_loop_and_symlinks_are_not_followed() {
    let sb = Sandbox::new();
    sb.file("real/a.env", format!("T={GH1}\n"));
    std::os::unix::fs::symlink(sb.join("loop2"), sb.join("loop1")).unwrap();
    std::os::unix::fs::symlink(sb.join("loop1"), sb.join("loop2")).unwrap();
    std::os::unix::fs::symlink(sb.join("real"), sb.join("real/self")).unwrap();
    std::os::unix::fs::symlink(sb.join("real/a.env"), sb.join("link.env")).unwrap();
    let (run, r) = scan_json(sb.path(), &["."]);
    assert_eq!(run.code, 1);
    assert_eq!(
        locations(&r),
        vec![("real/a.env".into(), 1, 3, "github.pat-classic".into())]
    );
    assert!(r.errors.is_empty());
}

#[test]
fn empty_directory_reports_nothing() {
    let sb = Sandbox::new();
    std::fs::create_dir(sb.join("empty")).unwrap();
    let (run, r) = scan_json(sb.path(), &["empty"]);
    assert_eq!(run.code, 0);
    assert!(r.findings.is_empty() && r.credentials.is_empty() && r.errors.is_empty());
    assert_eq!((r.stats.files, r.stats.bytes), (0, 0));
    let human = run_in(sb.path(), &["scan", "empty"]);
    assert!(
        human
            .stdout
            .starts_with("No credentials found · scanned 0 files, 0 B in "),
        "{}",
        human.stdout
    );
}

#[test]
fn single_file_argument_keeps_its_path() {
    let sb = Sandbox::new();
    sb.file("conf/app.env", format!("\nT={GH1}\n"));
    let (_, r) = scan_json(sb.path(), &["conf/app.env"]);
    assert_eq!(
        locations(&r),
        vec![("conf/app.env".into(), 2, 3, "github.pat-classic".into())]
    );
}

#[test]
fn regression_many_secrets_on_one_long_line_have_exact_columns() {
    let sb = Sandbox::new();
    let mut line = String::new();
    let mut expected = Vec::new();
    for i in 0..2000 {
        line.push_str("é=\"");
        let token = if i % 2 == 0 { GH1 } else { GH2 };
        expected.push(line.chars().count() as u32 + 1);
        line.push_str(token);
        line.push_str("\"; ");
    }
    sb.file("one.js", format!("first\n{line}\n"));
    let (_, r) = scan_json(sb.path(), &["."]);
    let columns: Vec<u32> = r.findings.iter().map(|f| f.column).collect();
    assert_eq!(columns, expected);
    assert!(r.findings.iter().all(|f| f.line == 2));
}

#[test]
fn regression_max_file_size_applies_to_small_files() {
    let sb = Sandbox::new();
    sb.file("small.env", format!("T={GH1}\n"));
    let (run, r) = scan_json(sb.path(), &["--max-file-size", "10", "."]);
    assert_eq!(run.code, 0);
    assert!(r.findings.is_empty());
    assert!(
        run.stderr
            .contains("warning: small.env: skipped: 43 B is over the size limit"),
        "{}",
        run.stderr
    );
}

#[test]
fn regression_control_characters_in_paths_are_escaped_in_human_output() {
    let sb = Sandbox::new();
    sb.file("evil\x1b[2Jname.env", format!("T={GH1}\n"));
    let run = run_in(sb.path(), &["scan", "."]);
    assert!(!run.stdout.contains('\x1b'), "{}", run.stdout);
    assert!(
        run.stdout.contains("evil\\u{1b}[2Jname.env:1:3"),
        "{}",
        run.stdout
    );
}

/// ~`size` bytes of minified JavaScript on one line: short identifiers, string literals, numbers and
/// base64 data URIs (what the decoder must skip cheaply). Deterministic.
pub fn minified_js(size: usize) -> String {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(size + 256);
    out.push_str("!function(e){\"use strict\";");
    while out.len() < size {
        let n = next();
        match n % 6 {
            0 => out.push_str(&format!(
                "var a{}=function(t,n){{return t.x{}+n.y}};",
                n % 997,
                n % 89
            )),
            1 => out.push_str(&format!("e.exports.k{}=\"label-{}\";", n % 113, n % 7919)),
            2 => out.push_str(&format!(
                "if(t.length>{}){{n=t.slice(0,{})}}else{{n=null}}",
                n % 50,
                n % 40
            )),
            3 => {
                out.push_str("u.src=\"data:image/png;base64,");
                for _ in 0..120 {
                    out.push(B64[(next() % 64) as usize] as char);
                }
                out.push_str("\";");
            }
            4 => out.push_str(&format!(
                "o.fetch(\"/api/v{}/items?page=\"+p+\"&q=a%20b\");",
                n % 3
            )),
            _ => out.push_str("for(var i=0;i<n.length;i++){r.push(n[i]\\u0026\\u0026n[i].id)}"),
        }
    }
    out.push_str("}(module);");
    out
}

#[test]
fn five_megabyte_minified_line_with_three_planted_secrets() {
    let sb = Sandbox::new();
    let mut js = minified_js(5 << 20);
    let slack = "xoxb-768662512421-5819082972089-ebC1hvFr3H4xeT1jkFyW7qir";
    let encoded = b64(GH2.as_bytes());
    let plants = [(5 << 20) / 4, (5 << 20) / 2, 3 * (5 << 20) / 4];
    let texts = [
        format!(";var t=\"{GH1}\";"),
        format!(";h.k=\"{encoded}\";"),
        format!(";c.token=\"{slack}\";"),
    ];
    // Insert from the back so earlier offsets stay valid; align to a statement boundary.
    let mut columns = Vec::new();
    for (at, text) in plants.iter().zip(&texts).rev() {
        let at = js[..*at].rfind(';').unwrap() + 1;
        js.insert_str(at, text);
        columns.push(at);
    }
    columns.reverse();
    // Columns in the final text: later plants moved right by the earlier insertions.
    let mut shift = 0;
    let expected: Vec<(u32, String, Vec<String>)> = columns
        .iter()
        .zip(&texts)
        .zip([
            ("github.pat-classic", vec![]),
            ("github.pat-classic", vec!["base64".to_string()]),
            ("slack.bot-token", vec![]),
        ])
        .map(|((at, text), (rule, layers))| {
            let quote = text.find('"').unwrap() + 1;
            let col = (at + shift + quote + 1) as u32;
            shift += text.len();
            (col, rule.to_string(), layers)
        })
        .collect();
    sb.file("dist/bundle.min.js", &js);
    // A scan that went quadratic on the long line would hit the harness's hang limit (support::HANG).
    let (run, r) = scan_json(sb.path(), &["--no-redact", "."]);
    assert_eq!(run.code, 1);
    assert_eq!(r.stats.bytes, js.len() as u64);
    let got: Vec<(u32, String, Vec<String>)> = r
        .findings
        .iter()
        .map(|f| {
            assert_eq!((f.path.as_str(), f.line), ("dist/bundle.min.js", 1));
            (f.column, f.rule_id.clone(), f.decoded.clone())
        })
        .collect();
    assert_eq!(got, expected);
    assert_eq!(
        r.findings
            .iter()
            .map(|f| f.secret.as_str())
            .collect::<Vec<_>>(),
        vec![GH1, GH2, slack]
    );
}
