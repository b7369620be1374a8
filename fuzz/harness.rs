//! What each fuzz target checks, shared by the `cargo fuzz` targets (`fuzz/fuzz_targets/*.rs`, nightly)
//! and by `cargo test` (`tests/it/fuzz.rs`, stable), which replays every committed seed and crash input
//! through the same functions. Each target must not panic, hang or grow without bound on any input,
//! and checks what must hold of its output; a broken property is a panic with a message that names it
//! (never the input's content: fuzz inputs are printed by the fuzzer itself).

#![allow(dead_code)] // each fuzz target binary uses one of these

use std::path::Path;
use std::sync::OnceLock;

use sprawl::engine::decode::{self, Encoding, Span};
use sprawl::engine::{Engine, EngineOptions, GateUse};
use sprawl::finding::Match;
use sprawl::source::archive::{self, ArchiveLimits, Place};
use sprawl::source::git;
use sprawl::source::{BlobSink, Origin, Skip};

/// A fuzz target's body.
pub type Target = fn(&[u8]);

/// Every fuzz target: its name (the file `fuzz/fuzz_targets/NAME.rs`, the directories
/// `fuzz/seeds/NAME/` and `fuzz/regressions/NAME/`) and what it runs.
pub const TARGETS: &[(&str, Target)] = &[
    ("engine", engine),
    ("decode", decode),
    ("archive", archive),
    ("config", config),
    ("baseline", baseline),
    ("git", git_objects),
    ("loose", loose_object),
];

/// The built-in rules, with the keyword prefilter only and with the Vectorscan gate from the first byte
/// (the same engine as the keyword one when this build has no gate).
fn engines() -> &'static (Engine, Engine) {
    static ENGINES: OnceLock<(Engine, Engine)> = OnceLock::new();
    ENGINES.get_or_init(|| {
        let rules = sprawl::rules::builtin_for_scan().expect("built-in rules load");
        let with = |gate| {
            Engine::new(
                rules.clone(),
                EngineOptions {
                    gate,
                    inline_allow: true,
                    ..EngineOptions::default()
                },
            )
        };
        (with(GateUse::Never), with(GateUse::Always))
    })
}

/// What a match says, for comparing two engines' results: rule, span, encodings, hold, secret.
fn key(m: &Match) -> String {
    format!(
        "{} {}..{} {:?} {:?} {:?}",
        m.rule,
        m.start,
        m.end,
        m.decoded,
        m.held,
        m.secret.expose()
    )
}

/// Every match lies inside the input, with a line that counts the newlines before it; a match found as
/// written is the input's bytes at its span.
fn check_matches(hay: &[u8], found: &[Match], what: &str) {
    for m in found {
        assert!(
            m.start <= m.end && m.end <= hay.len(),
            "{what}: span {}..{} outside an input of {} bytes",
            m.start,
            m.end,
            hay.len()
        );
        let line = 1 + memchr::memchr_iter(b'\n', &hay[..m.start]).count();
        assert_eq!(
            m.line as usize, line,
            "{what}: line of the match at {}",
            m.start
        );
        assert!(
            m.end_line >= m.line && m.column >= 1,
            "{what}: position of the match at {}",
            m.start
        );
        if m.decoded.is_empty() {
            assert!(
                m.secret.expose() == &hay[m.start..m.end],
                "{what}: the secret of the match at {} is not the input at its span",
                m.start
            );
        }
    }
}

/// The engine on arbitrary bytes: no panic, spans inside the input, and the Vectorscan gate finds
/// exactly what the keyword prefilter finds (text and binary scans).
pub fn engine(data: &[u8]) {
    engine_matches(data);
}

/// [`engine`], returning how many matches the text and binary scans found.
pub fn engine_matches(data: &[u8]) -> usize {
    static SCRATCH: std::sync::Mutex<Option<[sprawl::engine::Scratch; 2]>> =
        std::sync::Mutex::new(None);
    let (keyword, gated) = engines();
    let mut scratch = SCRATCH.lock().unwrap_or_else(|e| e.into_inner());
    let scratch = scratch.get_or_insert_with(|| [keyword.scratch(), gated.scratch()]);
    let mut found = [Vec::new(), Vec::new()];
    for ((engine, out), scratch) in [keyword, gated]
        .into_iter()
        .zip(found.iter_mut())
        .zip(scratch.iter_mut())
    {
        engine.scan(data, scratch, out);
        check_matches(data, out, "scan");
        let mut binary = Vec::new();
        engine.scan_binary(data, scratch, &mut binary);
        check_matches(data, &binary, "scan_binary");
        out.extend(binary);
    }
    let [k, g] = found;
    assert!(
        k.iter().map(key).eq(g.iter().map(key)),
        "the gated engine found {} matches, the keyword engine {}",
        g.len(),
        k.len()
    );
    k.len()
}

/// The decoders: spans sorted and inside the input; decoding any span, and any input as a secret value,
/// does not panic and yields no more bytes than it read.
pub fn decode(data: &[u8]) {
    let mut spans: Vec<Span> = Vec::new();
    decode::find_spans(data, &mut spans);
    let mut out = Vec::new();
    for pair in spans.windows(2) {
        assert!(pair[0] <= pair[1], "spans are not sorted by start");
    }
    for s in &spans {
        assert!(
            s.start < s.end && s.end <= data.len(),
            "span {}..{} outside an input of {} bytes",
            s.start,
            s.end,
            data.len()
        );
        decode::decode(&data[s.start..s.end], s.encoding, &mut out);
        assert!(
            out.len() <= s.end - s.start,
            "{:?} decoded to more bytes than it read",
            s.encoding
        );
    }
    for enc in [Encoding::Base64, Encoding::Percent, Encoding::Escape] {
        decode::decode(data, enc, &mut out);
        assert!(
            out.len() <= data.len(),
            "{enc:?} decoded to more bytes than it read"
        );
    }
    if decode::decode_value(data, &mut out).is_some() {
        assert!(
            out.len() <= data.len(),
            "a value decoded to more bytes than it read"
        );
    }
}

/// Counts what a source delivers.
#[derive(Default)]
struct Counting {
    blobs: usize,
    bytes: usize,
    warnings: usize,
    paths_ok: bool,
}

impl BlobSink for Counting {
    fn blob(&mut self, origin: &Origin, data: &[u8]) {
        self.blobs += 1;
        self.bytes += data.len();
        self.paths_ok &= origin.path.starts_with("fuzz");
    }
    fn wants_binary(&self) -> bool {
        true
    }
    fn binary(&mut self, origin: &Origin, data: &[u8]) {
        self.blob(origin, data);
    }
    fn skipped(&mut self, _path: &str, _why: Skip) {}
    fn warning(&mut self, _path: &str, message: String) {
        self.warnings += 1;
        assert!(!message.is_empty(), "an empty warning");
    }
}

/// The archive reader (zip, gzip, tar, nested): no panic, and what it yields stays inside its limits.
pub fn archive(data: &[u8]) {
    let limits = ArchiveLimits {
        max_depth: 3,
        max_members: 64,
        max_total_bytes: 1 << 20,
        max_member_bytes: 256 << 10,
        max_ratio: 100,
    };
    let mut sink = Counting {
        paths_ok: true,
        ..Counting::default()
    };
    archive::deliver(&Place::file("fuzz"), data, &limits, &mut sink);
    assert!(
        sink.paths_ok,
        "a member delivered outside the archive's path"
    );
    assert!(
        sink.blobs <= limits.max_members + 1,
        "{} blobs delivered, limit {} members",
        sink.blobs,
        limits.max_members
    );
    // UTF-16 members are transcoded to UTF-8, which is at most 3/2 of their size.
    let bound = (limits.max_total_bytes as usize + data.len()) * 3 / 2;
    assert!(
        sink.bytes <= bound,
        "{} bytes delivered, bound {bound}",
        sink.bytes
    );
}

/// The config and rule parsers, chosen by the first byte: sprawl's config (or a gitleaks config it
/// recognises), a gitleaks config, a rule file, a validation spec, an owners inventory in TOML and
/// YAML, CODEOWNERS. Errors must render; rules that load must compile or fail cleanly and scan.
pub fn config(data: &[u8]) {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let rules = match which % 7 {
        0 => sprawl::config::FileConfig::parse("fuzz.toml", text)
            .map(|c| c.rules)
            .map_err(|e| e.to_string()),
        1 => sprawl::config::gitleaks::convert("fuzz.toml", text)
            .map(|c| c.rules)
            .map_err(|e| e.to_string()),
        2 => sprawl::rules::parse_rule_file("fuzz.toml", text).map_err(|e| e.to_string()),
        3 => sprawl::rules::validate::parse_text(text).map(|_| Vec::new()),
        4 => sprawl::enrich::inventory::Inventory::parse("fuzz.toml", text)
            .map(|_| Vec::new())
            .map_err(|e| e.to_string()),
        5 => sprawl::enrich::inventory::Inventory::parse_yaml("fuzz.yaml", text)
            .map(|_| Vec::new())
            .map_err(|e| e.to_string()),
        _ => {
            let (owners, errors) = sprawl::enrich::owners::Codeowners::parse(text);
            for e in &errors {
                let _ = format!("{e:?}");
            }
            let _ = owners.owners_of("src/main.rs");
            Ok(Vec::new())
        }
    };
    match rules {
        Err(message) => assert!(!message.is_empty(), "an empty error message"),
        Ok(rules) if !rules.is_empty() => {
            let engine = Engine::new(
                rules,
                EngineOptions {
                    gate: GateUse::Never,
                    ..EngineOptions::default()
                },
            );
            let _ = engine.compile_all(|_| true).map_err(|e| e.to_string());
            let mut scratch = engine.scratch();
            let mut out = Vec::new();
            engine.scan(rest, &mut scratch, &mut out);
            check_matches(rest, &out, "config rules");
        }
        Ok(_) => {}
    }
}

/// The baseline loader: no panic, and a baseline that loads is written and read back unchanged.
pub fn baseline(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match sprawl::baseline::Baseline::parse("fuzz.json", text) {
        Ok(b) => {
            let again = sprawl::baseline::Baseline::parse("fuzz.json", &b.to_text())
                .expect("a written baseline loads");
            assert!(again == b, "a baseline changed when written and read back");
        }
        Err(e) => assert!(!e.to_string().is_empty(), "an empty error message"),
    }
}

/// A bare repository in the system's temporary directory, made once per process (the fuzz targets';
/// tests pass their own).
fn scratch_repo() -> &'static Path {
    static DIR: OnceLock<std::path::PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("sprawl-fuzz-{}", std::process::id()));
        git2::Repository::init_bare(&dir).expect("a scratch repository");
        dir
    })
}

/// Collects what the history walk reports.
#[derive(Default)]
struct Walk {
    messages: usize,
    warnings: usize,
}

impl BlobSink for Walk {
    fn blob(&mut self, _origin: &Origin, _data: &[u8]) {
        self.messages += 1;
    }
    fn skipped(&mut self, _path: &str, _why: Skip) {}
    fn warning(&mut self, _path: &str, _message: String) {
        self.warnings += 1;
    }
}

/// Objects from the input, written to an in-memory object database: records of `[kind][len: u16 LE]
/// [body]` (kind 0 blob, 1 tree, 2 commit, 3 tag, modulo 4). In a body, `0xFE k` stands for the id of
/// the `k`th object written before it (20 raw bytes in a tree, 40 hex digits elsewhere) and `0xFE 0xFE`
/// for one `0xFE`, so that trees and commits can point at each other. Returns the ids written.
fn write_objects(odb: &git2::Odb<'_>, mut data: &[u8]) -> Vec<git2::Oid> {
    use git2::ObjectType;
    let mut ids: Vec<git2::Oid> = Vec::new();
    while data.len() >= 3 {
        let kind = [
            ObjectType::Blob,
            ObjectType::Tree,
            ObjectType::Commit,
            ObjectType::Tag,
        ][usize::from(data[0] % 4)];
        let len = usize::from(u16::from_le_bytes([data[1], data[2]])).min(data.len() - 3);
        let raw = &data[3..3 + len];
        data = &data[3 + len..];
        let mut body = Vec::with_capacity(raw.len());
        let mut i = 0;
        while i < raw.len() {
            match (raw[i], raw.get(i + 1)) {
                (0xFE, Some(&0xFE)) => body.push(0xFE),
                (0xFE, Some(&k)) if usize::from(k) < ids.len() => {
                    let id = ids[usize::from(k)];
                    if kind == ObjectType::Tree {
                        body.extend_from_slice(id.as_bytes());
                    } else {
                        body.extend_from_slice(id.to_string().as_bytes());
                    }
                }
                (b, _) => {
                    body.push(b);
                    i += 1;
                    continue;
                }
            }
            i += 2;
        }
        if let Ok(id) = odb.write(kind, &body) {
            ids.push(id);
        }
    }
    ids
}

/// The history walk (select commits, enumerate trees and blobs, read blobs, introductions) on arbitrary
/// objects ([`write_objects`]), the last one the target of a branch: no panic or hang, each blob once,
/// and only enumerated blobs introduced.
pub fn git_objects(data: &[u8]) {
    git_objects_in(scratch_repo(), data);
}

/// What [`git_objects_in`] walked.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Walked {
    pub commits: usize,
    pub blobs: usize,
    pub introductions: usize,
    pub messages: usize,
    pub warnings: usize,
}

/// [`git_objects`] in the bare repository `dir`.
pub fn git_objects_in(dir: &Path, data: &[u8]) -> Walked {
    let repo = git2::Repository::open_bare(dir).expect("the scratch repository opens");
    let odb = repo.odb().expect("its object database");
    // Objects go to memory (highest priority) and are dropped with the repository.
    let _mempack = odb
        .add_new_mempack_backend(1000)
        .expect("an in-memory backend");
    let ids = write_objects(&odb, data);
    let Some(&last) = ids.last() else {
        return Walked::default();
    };
    if repo
        .reference("refs/heads/fuzz", last, true, "fuzz")
        .is_err()
    {
        return Walked::default();
    }
    let mut sink = Walk::default();
    let Ok(selected) = git::select_commits(&repo, &git::Selection::AllRefs, &mut sink) else {
        return Walked::default();
    };
    let e = git::enumerate(&repo, selected, &mut sink);
    let unique: std::collections::HashSet<git2::Oid> = e.blobs.iter().copied().collect();
    assert_eq!(unique.len(), e.blobs.len(), "a blob enumerated twice");
    for &id in &e.blobs {
        let _ = git::read_blob(&repo, id, 1 << 20);
    }
    let p = git::introductions(
        &repo,
        &e.commits,
        &e.tips,
        &e.ref_objects,
        Some(&unique),
        &mut sink,
    );
    for i in &p.introductions {
        assert!(
            unique.contains(&i.blob),
            "an introduction of a blob that was not enumerated"
        );
    }
    let all = git::introductions(&repo, &e.commits, &e.tips, &e.ref_objects, None, &mut sink);
    assert!(
        all.introductions.len() >= p.introductions.len(),
        "fewer introductions of every blob than of the wanted ones"
    );
    Walked {
        commits: e.commits.len(),
        blobs: e.blobs.len(),
        introductions: p.introductions.len(),
        messages: sink.messages,
        warnings: sink.warnings,
    }
}

/// A loose object file with arbitrary content (a blob's id, at its place in `objects/`), read the way a
/// history scan reads it: the pre-check, then libgit2. No panic, and no hang (libgit2 1.9 loops on a
/// truncated zlib stream; the pre-check must catch every such file).
pub fn loose_object(data: &[u8]) {
    loose_object_in(scratch_repo(), data);
}

/// [`loose_object`] in the bare repository `dir`: whether the pre-check found the object corrupt.
pub fn loose_object_in(dir: &Path, data: &[u8]) -> bool {
    let id = git2::Oid::hash_object(git2::ObjectType::Blob, b"sprawl fuzz").expect("an id");
    let hex = id.to_string();
    let file = dir.join("objects").join(&hex[..2]).join(&hex[2..]);
    std::fs::create_dir_all(file.parent().expect("a parent")).expect("objects directory");
    std::fs::write(&file, data).expect("the object file is written");
    let repo = git2::Repository::open_bare(dir).expect("the scratch repository opens");
    let corrupt = !sprawl::source::loose::quarantine(&repo).corrupt.is_empty();
    let _ = git::read_blob(&repo, id, 1 << 20);
    let _ = std::fs::remove_file(&file);
    corrupt
}
