//! Test helpers: a temp-dir builder, a runner for the real binary, and the JSON report schema read back
//! with `deny_unknown_fields`, so the contract cannot drift silently.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::Deserialize;

/// Made-up credentials in real formats (never real).
pub const GH1: &str = "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";
pub const GH2: &str = "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";

pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn join(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes `rel` (creating parent directories).
    pub fn file(&self, rel: &str, contents: impl AsRef<[u8]>) -> &Sandbox {
        let p = self.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, contents).unwrap();
        self
    }
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn sprawl() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sprawl"));
    c.env_remove("NO_COLOR");
    // Tests never write the compiled gate into the user's cache.
    c.env("SPRAWL_CACHE_DIR", "").env_remove("SPRAWL_ENGINE");
    c
}

pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    run_cmd(sprawl().current_dir(dir).args(args), None)
}

/// Runs `cmd` to completion and asserts it succeeded (its stderr is the failure message).
pub fn succeeds(cmd: &mut Command) -> std::process::Output {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

pub fn run_cmd(cmd: &mut Command, stdin: Option<&[u8]>) -> Run {
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn sprawl");
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `sprawl scan --format json ARGS` in `dir`, parsed.
pub fn scan_json(dir: &Path, args: &[&str]) -> (Run, Report) {
    let mut all = vec!["scan", "--format", "json"];
    all.extend_from_slice(args);
    let run = run_in(dir, &all);
    let report: Report = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}): {}\nstderr: {}", run.stdout, run.stderr));
    (run, report)
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    pub findings: Vec<Finding>,
    pub credentials: Vec<Credential>,
    pub stats: Stats,
    pub errors: Vec<ErrorEntry>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Deserialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    pub rule_id: String,
    pub provider: String,
    pub confidence: String,
    #[serde(default)]
    pub held: Option<String>,
    pub fingerprint: String,
    pub secret: String,
    pub repository: Option<String>,
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub end_column: u32,
    pub decoded: Vec<String>,
    pub commit: Option<String>,
    pub author_name: Option<String>,
    pub author_email: Option<String>,
    pub commit_date: Option<String>,
    pub commit_summary: Option<String>,
    #[serde(default)]
    pub provenance: Option<String>,
    pub owners: Vec<String>,
    pub owner_source: Option<String>,
    pub validity: Validity,
}

#[derive(Deserialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Validity {
    pub status: String,
    #[serde(default)]
    pub offline: Option<String>,
    #[serde(default)]
    pub identity: Option<String>,
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub checked_at: Option<String>,
    #[serde(default)]
    pub revoked_at: Option<String>,
    #[serde(default)]
    pub reach: Option<Reach>,
}

#[derive(Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Reach {
    pub severity: String,
    pub summary: String,
    pub facts: Vec<Fact>,
    pub unreadable: Vec<String>,
}

#[derive(Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Fact {
    pub what: String,
    pub value: String,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Credential {
    pub fingerprint: String,
    pub rule_id: String,
    pub locations: usize,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub exposed_days: Option<i64>,
    pub in_head: Option<bool>,
    pub removed: Option<bool>,
    pub owners: Vec<String>,
    pub governance: String,
    pub severity: String,
    pub severity_reason: String,
    #[serde(default)]
    pub revoke: Option<RevokeByHand>,
    pub validity: Validity,
}

/// Where a credential is revoked by hand (the rule's `revoke`).
#[derive(Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RevokeByHand {
    pub page: String,
    #[serde(default)]
    pub cli: Option<String>,
    pub how: String,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // every field is read back to pin the schema, not all are asserted
pub struct Stats {
    pub files: u64,
    pub blobs: u64,
    pub bytes: u64,
    pub commits: u64,
    pub duration_ms: u64,
    pub suppressed: Suppressed,
}

#[derive(Deserialize, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Suppressed {
    pub inline: u64,
    pub allowlist: u64,
    pub baseline: u64,
    pub failed_check: u64,
    pub expired: u64,
    pub test_fixture: u64,
    pub truncated: u64,
    pub masked: u64,
    pub reference: u64,
    pub not_a_value: u64,
    pub documented_example: u64,
    pub publishable: u64,
    pub below_min_confidence: u64,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct ErrorEntry {
    pub path: String,
    pub message: String,
}

/// (path, line, column, rule) of each finding, in report order.
pub fn locations(r: &Report) -> Vec<(String, u32, u32, String)> {
    r.findings
        .iter()
        .map(|f| (f.path.clone(), f.line, f.column, f.rule_id.clone()))
        .collect()
}

/// (path, line, column, commit) of each finding, in report order (history scans).
pub fn commit_locations(r: &Report) -> Vec<(String, u32, u32, Option<String>)> {
    r.findings
        .iter()
        .map(|f| (f.path.clone(), f.line, f.column, f.commit.clone()))
        .collect()
}

/// Standard base64 with padding (tests build encoded fixtures with it).
pub fn b64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (b as u32) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// (path, line, column, end_column, rule, decoded layers, secret) of each finding, in report order.
/// (path, line, column, end_column, rule, decoded layers, secret).
pub type DecodedLocation = (String, u32, u32, u32, String, Vec<String>, String);

pub fn decoded_locations(r: &Report) -> Vec<DecodedLocation> {
    r.findings
        .iter()
        .map(|f| {
            (
                f.path.clone(),
                f.line,
                f.column,
                f.end_column,
                f.rule_id.clone(),
                f.decoded.clone(),
                f.secret.clone(),
            )
        })
        .collect()
}

/// How long a test lets sprawl run on hostile input before it counts as a hang.
pub const HANG: std::time::Duration = std::time::Duration::from_secs(120);

/// Runs `cmd` like [`run_cmd`] (no stdin), but kills it and fails the test if it has not ended within
/// [`HANG`]: "no hang" without a timed assertion on how fast it was.
pub fn run_bounded(cmd: &mut Command) -> Run {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn sprawl");
    let drain = |mut r: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = r.read_to_end(&mut v);
            String::from_utf8_lossy(&v).into_owned()
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("sprawl did not end within {HANG:?}: a hang");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

/// `sprawl scan --format json ARGS` in `dir` under [`run_bounded`], parsed.
pub fn scan_json_bounded(dir: &Path, args: &[&str]) -> (Run, Report) {
    let run = run_bounded(
        sprawl()
            .current_dir(dir)
            .args(["scan", "--format", "json"])
            .args(args),
    );
    let report: Report = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}): {}\nstderr: {}", run.stdout, run.stderr));
    (run, report)
}
