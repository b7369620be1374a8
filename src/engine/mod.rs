//! The detection engine: bytes in, matches out. No I/O, no knowledge of files or commits.
//!
//! Pipeline per blob: the keyword prefilter ([`prefilter`]) finds candidate rules and the positions of
//! their keywords; each candidate rule runs its regex only in windows around those positions. On large
//! scans, in builds with Vectorscan, the regex gate ([`gate`]) replaces the keyword windows: one pass
//! of every rule's pattern (relaxed to a superset) reports where a match can end, and a rule's regex
//! runs only just before those ends. Each
//! regex match goes through the filters ([`filter`]); overlapping matches of different rules keep the most
//! specific one; line and column are computed only for what survives.
//!
//! The [`Engine`] is immutable and shared by every thread. Regexes compile on a rule's first candidate,
//! so start-up pays for none of them. Each thread owns a [`Scratch`] that is reused for every blob.

pub mod allow;
pub mod decode;
pub mod filter;
pub mod gate;
mod layers;
pub mod prefilter;
pub mod triage;
#[cfg(sprawl_vectorscan)]
mod vectorscan;

use std::sync::OnceLock;

use regex::bytes::{CaptureLocations, Regex, RegexBuilder};

use crate::finding::{Match, Pending, Secret};
use crate::rules::{Confidence, Rule, RuleError, FIRST_GROUP, WHOLE_BLOB};
use allow::{Allowlist, Content, Said, Verdict};
use prefilter::Prefilter;

/// Bytes before a keyword hit where a match may start.
pub const WINDOW_BEFORE: usize = 512;

/// Rule families that recognise where a secret sits (a config file, a header, a URL) rather than whose it
/// is. When one of them and a provider rule find the same secret with the same confidence, the provider
/// rule is reported.
pub const STRUCTURAL_PROVIDERS: &[&str] = &[
    "generic",
    "configfiles",
    "http",
    "url",
    "database",
    "jwt",
    "privatekey",
];

/// Whether a rule recognises where a secret sits rather than whose it is ([`STRUCTURAL_PROVIDERS`]),
/// for gitleaks rules whether its id says `generic` (gitleaks, too, prefers any other rule's finding).
fn is_structural(meta: &crate::rules::RuleMeta) -> bool {
    STRUCTURAL_PROVIDERS.contains(&meta.provider.as_str())
        || (meta.provider == "gitleaks" && meta.id.contains("generic"))
}

/// Every marker that suppresses a finding on its line: sprawl's, gitleaks' and detect-secrets' (the
/// pragma as detect-secrets matches it, `whitelist` its older spelling).
const INLINE_MARKERS: &str = r"sprawl:allow|gitleaks:allow|pragma: ?(?:allow|white)list[ -]secret";

/// detect-secrets' marker on the line before the secret's.
const NEXTLINE_MARKER: &str = r"pragma: ?(?:allow|white)list[ -]nextline[ -]secret";

/// Decoded bytes scanned per blob at most (all layers together); spans beyond it are not decoded.
pub const MAX_DECODED_PER_BLOB: usize = 4 << 20;

/// Suppression that applies to every rule, and how deep to look through encodings. `Debug` does not
/// print allowlisted values.
#[derive(Clone)]
pub struct EngineOptions {
    /// What is never reported ([`allow`]).
    pub allowlists: Vec<Allowlist>,
    /// Honour `sprawl:allow` (and `gitleaks:allow`, detect-secrets' pragmas) on the secret's line(s).
    pub inline_allow: bool,
    /// Layers of encoding ([`decode`]) looked through: 0 scans text only as written. Default 2 (a
    /// `.dockerconfigjson` inside a Kubernetes secret is base64 inside base64).
    pub decode_depth: usize,
    /// Encoded bytes decoded per blob at most, all layers together (default
    /// [`MAX_DECODED_PER_BLOB`]); spans beyond it are not decoded.
    pub max_decoded: usize,
    /// When the Vectorscan regex gate ([`gate`]) is used.
    pub gate: GateUse,
    /// Directory where the compiled gate is kept between runs (`None`: compiled every run). The CLI
    /// uses [`gate::cache_dir`].
    pub gate_cache: Option<std::path::PathBuf>,
    /// Binary content is scanned ([`Engine::scan_binary`]); off with `--no-binary`, and binaries are
    /// skipped. Default on.
    pub binary: bool,
}

/// When the engine uses the Vectorscan regex gate ([`gate`]). Findings are the same either way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GateUse {
    /// Once [`GATE_AFTER_BYTES`] have been scanned: compiling the gate takes a fraction of a second, which
    /// a large scan wins back many times and the pre-commit hook's few files never would.
    #[default]
    Auto,
    /// From the first blob (tests, and `SPRAWL_ENGINE=vectorscan`).
    Always,
    /// Never: the keyword prefilter alone (`SPRAWL_ENGINE=rust`).
    Never,
}

impl GateUse {
    /// The choice `SPRAWL_ENGINE` (`vectorscan`, `rust`, unset or anything else: automatic) makes.
    pub fn from_env() -> GateUse {
        match std::env::var("SPRAWL_ENGINE").as_deref() {
            Ok("vectorscan") => GateUse::Always,
            Ok("rust") => GateUse::Never,
            _ => GateUse::Auto,
        }
    }
}

/// Bytes scanned before [`GateUse::Auto`] builds the gate.
pub const GATE_AFTER_BYTES: u64 = 8 << 20;

/// Whether this build has the Vectorscan gate, and which library version it links.
pub fn gate_version() -> Option<String> {
    #[cfg(sprawl_vectorscan)]
    return Some(gate::version());
    #[cfg(not(sprawl_vectorscan))]
    None
}

impl Default for EngineOptions {
    fn default() -> EngineOptions {
        EngineOptions {
            allowlists: Vec::new(),
            inline_allow: false,
            decode_depth: 2,
            max_decoded: MAX_DECODED_PER_BLOB,
            gate: GateUse::Auto,
            gate_cache: None,
            binary: true,
        }
    }
}

impl std::fmt::Debug for EngineOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineOptions")
            .field("allowlists", &self.allowlists)
            .field("inline_allow", &self.inline_allow)
            .field("decode_depth", &self.decode_depth)
            .field("max_decoded", &self.max_decoded)
            .field("gate", &self.gate)
            .field("gate_cache", &self.gate_cache)
            .field("binary", &self.binary)
            .finish()
    }
}

struct CompiledRule {
    rule: Rule,
    /// (regex, index of the `secret` group); `None` if the pattern does not compile.
    compiled: OnceLock<Option<(Regex, usize)>>,
    /// Most line breaks a match can span ([`max_newlines`]).
    newlines: OnceLock<Option<usize>>,
    /// The rule's `path` regex, compiled on first need (`None` inside if it does not compile).
    path: OnceLock<Option<regex::Regex>>,
    /// Indices of the allowlists that apply to this rule.
    allowlists: Vec<u32>,
}

impl CompiledRule {
    fn newlines(&self) -> Option<usize> {
        *self
            .newlines
            .get_or_init(|| max_newlines(&self.rule.pattern))
    }

    fn path_regex(&self) -> Option<&regex::Regex> {
        self.path
            .get_or_init(|| self.rule.path.as_deref().and_then(|p| compile_path(p).ok()))
            .as_ref()
    }
}

/// The most `\n` bytes any match of `pattern` can contain, or `None` when unbounded (or the pattern does
/// not parse). A match holds one of its rule's keywords (the prefilter contract), so a match of a rule
/// with `Some(k)` lies within `k` lines either side of the keyword's line: the regex need not look
/// further, however dense the keywords are.
fn max_newlines(pattern: &str) -> Option<usize> {
    use regex_syntax::hir::{Class, Hir, HirKind};
    fn walk(h: &Hir) -> Option<usize> {
        match h.kind() {
            HirKind::Empty | HirKind::Look(_) => Some(0),
            HirKind::Literal(l) => Some(memchr::memchr_iter(b'\n', &l.0).count()),
            HirKind::Class(Class::Bytes(c)) => Some(
                c.ranges()
                    .iter()
                    .any(|r| (r.start()..=r.end()).contains(&b'\n')) as usize,
            ),
            HirKind::Class(Class::Unicode(c)) => Some(
                c.ranges()
                    .iter()
                    .any(|r| (r.start()..=r.end()).contains(&'\n')) as usize,
            ),
            HirKind::Repetition(r) => match walk(&r.sub)? {
                0 => Some(0),
                n => n.checked_mul(r.max? as usize),
            },
            HirKind::Capture(c) => walk(&c.sub),
            HirKind::Concat(v) => v.iter().try_fold(0usize, |a, h| a.checked_add(walk(h)?)),
            HirKind::Alternation(v) => v.iter().try_fold(0usize, |a, h| Some(a.max(walk(h)?))),
        }
    }
    walk(&gate::parse(pattern)?)
}

/// Immutable, thread-shared detector set.
pub struct Engine {
    rules: Vec<CompiledRule>,
    prefilter: Prefilter,
    /// Rules without keywords (converted gitleaks rules): their regex runs over every blob.
    always: Vec<u32>,
    /// Path-only rules (a `path`, no pattern): they report files by name ([`Engine::scan_path`]).
    path_only: Vec<u32>,
    options: EngineOptions,
    /// This engine without its generic rules, for text recovered from binaries
    /// ([`Engine::scan_binary`]), with the index here of each of its rules; built on first need.
    providers: OnceLock<(Box<Engine>, Vec<usize>)>,
    #[cfg(sprawl_vectorscan)]
    gate: GateState,
}

/// The gate of an engine, built on first need.
#[cfg(sprawl_vectorscan)]
#[derive(Default)]
struct GateState {
    built: OnceLock<Option<Gate>>,
    started: std::sync::atomic::AtomicBool,
    scanned: std::sync::atomic::AtomicU64,
}

/// The gate and, for the rules it does not cover, the keyword prefilter.
#[cfg(sprawl_vectorscan)]
struct Gate {
    gated: gate::Gated,
    rest: Prefilter,
    rest_always: Vec<u32>,
}

/// Per-thread working memory, reused across blobs.
pub struct Scratch {
    windows: Vec<Vec<(usize, usize)>>,
    touched: Vec<u32>,
    locations: Vec<Option<CaptureLocations>>,
    raw: Vec<Raw>,
    /// Candidate encoded spans of the blob being scanned.
    spans: Vec<decode::Span>,
    /// Vectorscan scratch, with the address of the gate it was allocated for.
    #[cfg(sprawl_vectorscan)]
    hs: Option<(usize, vectorscan::Scratch)>,
    /// Scratch of the provider-only engine ([`Engine::scan_binary`]), made on first need.
    providers: Option<Box<Scratch>>,
}

/// A regex match before filtering and positioning: the secret's span, and the whole match's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Raw {
    start: usize,
    end: usize,
    rule: u32,
    match_start: usize,
    match_end: usize,
}

/// Counts from one blob besides its matches.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BlobSummary {
    /// Matches dropped because their line carries `sprawl:allow`.
    pub allowed_inline: usize,
    /// Matches dropped by the config's allowlisted values or regexes.
    pub allowlisted: usize,
}

/// Compiles a rule pattern the way the engine does; the error explains what is wrong.
pub fn check_pattern(pattern: &str, secret_group: Option<usize>) -> Result<(), String> {
    compile(pattern, secret_group).map(|_| ())
}

/// Compiles `pattern`; the secret is the group named `secret`, or group `numbered` when given.
fn compile(pattern: &str, numbered: Option<usize>) -> Result<(Regex, usize), String> {
    // Unicode off: credentials are ASCII, and Unicode-aware `\b`/`\w`/`(?i)` would force the slow
    // PikeVM on any non-ASCII text (the lazy DFA cannot evaluate Unicode word boundaries there).
    let re = RegexBuilder::new(pattern)
        .unicode(false)
        .size_limit(16 << 20)
        .build()
        .map_err(|e| crate::rules::regex_error(&e))?; // never the pattern: it may hold a secret
    let idx = match numbered {
        Some(FIRST_GROUP) => FIRST_GROUP,
        Some(n) if n < re.captures_len() => n,
        Some(n) => return Err(format!("secret group {n} does not exist in the pattern")),
        None => re
            .capture_names()
            .position(|n| n == Some("secret"))
            .ok_or_else(|| "pattern needs a named group `secret`".to_string())?,
    };
    Ok((re, idx))
}

/// Compiles a rule's `path` regex; the error never quotes the pattern.
pub fn compile_path(pattern: &str) -> Result<regex::Regex, String> {
    regex::Regex::new(pattern).map_err(|e| crate::rules::regex_error(&e))
}

impl Engine {
    /// Builds the engine. Regexes are not compiled here (see [`Engine::compile_all`]).
    pub fn new(rules: Vec<Rule>, options: EngineOptions) -> Engine {
        let prefilter = Prefilter::new(rules.iter().map(|r| r.keywords.as_slice()));
        let always = (0..rules.len() as u32)
            .filter(|&i| {
                let r = &rules[i as usize];
                r.keywords.is_empty() && !r.pattern.is_empty()
            })
            .collect();
        let path_only = (0..rules.len() as u32)
            .filter(|&i| {
                let r = &rules[i as usize];
                r.pattern.is_empty() && r.path.is_some()
            })
            .collect();
        let rules = rules
            .into_iter()
            .map(|rule| CompiledRule {
                allowlists: (0..options.allowlists.len() as u32)
                    .filter(|&a| options.allowlists[a as usize].applies_to(&rule.meta.id))
                    .collect(),
                rule,
                compiled: OnceLock::new(),
                newlines: OnceLock::new(),
                path: OnceLock::new(),
            })
            .collect();
        Engine {
            rules,
            prefilter,
            always,
            path_only,
            options,
            providers: OnceLock::new(),
            #[cfg(sprawl_vectorscan)]
            gate: GateState::default(),
        }
    }

    /// The gate to use for a blob of `len` bytes, if any (see [`GateUse`]).
    #[cfg(sprawl_vectorscan)]
    fn gate(&self, len: usize) -> Option<&Gate> {
        use std::sync::atomic::Ordering;
        let state = &self.gate;
        match self.options.gate {
            GateUse::Never => return None,
            GateUse::Always => return state.built.get_or_init(|| self.build_gate()).as_ref(),
            GateUse::Auto => {}
        }
        if let Some(g) = state.built.get() {
            return g.as_ref();
        }
        let before = state.scanned.fetch_add(len as u64, Ordering::Relaxed);
        // One thread builds; the others go on with the keyword prefilter meanwhile.
        if before + len as u64 >= GATE_AFTER_BYTES && !state.started.swap(true, Ordering::AcqRel) {
            return state.built.get_or_init(|| self.build_gate()).as_ref();
        }
        None
    }

    #[cfg(sprawl_vectorscan)]
    fn build_gate(&self) -> Option<Gate> {
        let max_keyword = self
            .rules
            .iter()
            .flat_map(|r| r.rule.keywords.iter().map(|k| k.len()))
            .max()
            .unwrap_or(0);
        // A whole-blob rule's matches need not hold a keyword: the gate, which would report every
        // place such a match ends in any blob, leaves it to the keyword prefilter (an empty pattern is
        // not gated).
        let patterns: Vec<&str> = self
            .rules
            .iter()
            .map(|r| match r.rule.window {
                WHOLE_BLOB => "",
                _ => r.rule.pattern.as_str(),
            })
            .collect();
        // How far before its end a match can start: its longest length, or for an unbounded pattern the
        // most the keyword windows let it span (a rule without keywords searches the whole blob).
        let back: Vec<usize> =
            self.rules
                .iter()
                .map(|r| match gate::maximum_len(&r.rule.pattern) {
                    Some(n) => n,
                    None if r.rule.keywords.is_empty() => usize::MAX,
                    None => (WINDOW_BEFORE + max_keyword + WINDOW_END_SLACK)
                        .saturating_add(r.rule.window),
                })
                .collect();
        let t = std::time::Instant::now();
        let gated = gate::Gated::build(&patterns, &back, self.options.gate_cache.as_deref())?;
        if std::env::var_os("SPRAWL_TIMINGS").is_some() {
            eprintln!(
                "timing: {:>8.3} s  regex gate for {} of {} rules (compiled, or read from its cache)",
                t.elapsed().as_secs_f64(),
                (0..self.rules.len())
                    .filter(|&i| gated.back(i).is_some())
                    .count(),
                self.rules.len(),
            );
        }
        let rest = Prefilter::new(self.rules.iter().enumerate().map(|(i, r)| {
            if gated.back(i).is_some() {
                &[][..]
            } else {
                r.rule.keywords.as_slice()
            }
        }));
        let rest_always = self
            .always
            .iter()
            .copied()
            .filter(|&r| gated.back(r as usize).is_none())
            .collect();
        Some(Gate {
            gated,
            rest,
            rest_always,
        })
    }

    /// Compiles the regexes of the rules `which` selects now, reporting the first that fails. Used for
    /// custom rules (so a bad pattern is an error up front) and by the rule checker.
    pub fn compile_all(&self, which: impl Fn(&Rule) -> bool) -> Result<(), RuleError> {
        for r in self.rules.iter().filter(|r| which(&r.rule)) {
            if let Some(Err(message)) = r.rule.path.as_deref().map(compile_path) {
                return Err(RuleError::Invalid {
                    origin: r.rule.origin.clone(),
                    id: r.rule.meta.id.clone(),
                    message: format!("invalid path: {message}"),
                });
            }
            if r.rule.pattern.is_empty() {
                continue; // a path-only rule
            }
            if let Err(message) = compile(&r.rule.pattern, r.rule.secret_group) {
                return Err(RuleError::Invalid {
                    origin: r.rule.origin.clone(),
                    id: r.rule.meta.id.clone(),
                    message: format!("invalid pattern: {message}"),
                });
            }
        }
        Ok(())
    }

    pub fn rules(&self) -> impl ExactSizeIterator<Item = &Rule> {
        self.rules.iter().map(|r| &r.rule)
    }

    pub fn rule(&self, index: usize) -> &Rule {
        &self.rules[index].rule
    }

    pub fn scratch(&self) -> Scratch {
        Scratch {
            windows: vec![Vec::new(); self.rules.len()],
            touched: Vec::new(),
            locations: (0..self.rules.len()).map(|_| None).collect(),
            raw: Vec::new(),
            spans: Vec::new(),
            #[cfg(sprawl_vectorscan)]
            hs: None,
            providers: None,
        }
    }

    fn compiled(&self, rule: usize) -> Option<&(Regex, usize)> {
        let r = &self.rules[rule];
        r.compiled
            .get_or_init(|| {
                (!r.rule.pattern.is_empty())
                    .then(|| compile(&r.rule.pattern, r.rule.secret_group).ok())
                    .flatten()
            })
            .as_ref()
    }

    /// Whether there are path-only rules (a history scan then needs the path of every blob).
    pub fn has_path_rules(&self) -> bool {
        !self.path_only.is_empty()
    }

    /// The path-only rules whose path regex matches `path` (engine indices).
    pub fn path_rules_for<'a>(&'a self, path: &'a str) -> impl Iterator<Item = usize> + 'a {
        self.path_only
            .iter()
            .map(|&r| r as usize)
            .filter(move |&r| {
                self.rules[r]
                    .path_regex()
                    .is_some_and(|re| re.is_match(path))
            })
    }

    /// Path-only rules (a `path`, no pattern): one match per rule whose path regex matches `path`,
    /// standing for the file itself, at line 1. Its secret is `sha256:` and the SHA-256 of `data`, so
    /// the same file at several paths is one credential and a changed file a new one.
    pub fn scan_path(&self, path: &str, data: &[u8], out: &mut Vec<Match>) {
        let mut digest = None;
        for r in self.path_rules_for(path) {
            let rule = &self.rules[r];
            let nothing = Content {
                secret: b"",
                matched: b"",
                line: b"",
            };
            let mut pending = Pending::default();
            let mut allowed = false;
            for &a in &rule.allowlists {
                match self.options.allowlists[a as usize].judge(&nothing) {
                    Said::Allowed => allowed = true,
                    Said::IfPlaced => pending.allowlists.push(a),
                    Said::No => {}
                }
            }
            if allowed {
                continue;
            }
            let secret = digest.get_or_insert_with(|| {
                use sha2::Digest;
                let hex: String = sha2::Sha256::digest(data)
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                format!("sha256:{hex}").into_bytes()
            });
            out.push(Match {
                rule: r,
                secret: Secret::new(secret.clone()),
                start: 0,
                end: 0,
                line: 1,
                column: 1,
                end_line: 1,
                end_column: 1,
                decoded: Vec::new(),
                held: None,
                pending,
            });
        }
    }

    /// What the place of a match (its path relative to the scanned root, its commit in history)
    /// decides about it, given the checks it carries ([`Match::pending`]).
    pub fn verdict(&self, pending: &Pending, path: &str, commit: Option<&str>) -> Verdict {
        if let Some(r) = pending.rule_path {
            // A path regex that does not compile was refused up front (compile_all).
            if !self.rules[r as usize]
                .path_regex()
                .is_some_and(|re| re.is_match(path))
            {
                return Verdict::OutsideRulePath;
            }
        }
        if pending
            .allowlists
            .iter()
            .any(|&a| self.options.allowlists[a as usize].place_allows(path, commit))
        {
            return Verdict::Allowlisted;
        }
        Verdict::Report
    }

    /// Finds every credential in `hay`, as written and under up to `decode_depth` layers of encoding,
    /// appending to `out` in order of position.
    pub fn scan(&self, hay: &[u8], scratch: &mut Scratch, out: &mut Vec<Match>) -> BlobSummary {
        let mut budget = self.options.max_decoded;
        self.scan_layers(hay, scratch, out, self.options.decode_depth, &mut budget)
    }

    /// Whether binary content is to be scanned ([`EngineOptions::binary`]).
    pub fn scans_binary(&self) -> bool {
        self.options.binary
    }

    /// Like [`Engine::scan_as_written`] with the provider rules only: no generic rule
    /// ([`triage::is_generic`]), which on text recovered from a binary (its printable runs) would report
    /// noise, and no decoding. Matches carry
    /// this engine's rule indices. The provider-only engine is built on the first call and shared by
    /// every thread, so a scan without binaries never pays for it.
    pub fn scan_binary(
        &self,
        hay: &[u8],
        scratch: &mut Scratch,
        out: &mut Vec<Match>,
    ) -> BlobSummary {
        let (engine, index) = self.providers.get_or_init(|| {
            let (rules, index): (Vec<Rule>, Vec<usize>) = self
                .rules
                .iter()
                .enumerate()
                .filter(|(_, r)| !triage::is_generic(&r.rule))
                .map(|(i, r)| (r.rule.clone(), i))
                .unzip();
            // As written only: mangled symbol names and other long identifiers in binaries look like
            // base64 and would be decoded, at about a third of the cost of a binary's scan.
            let options = EngineOptions {
                decode_depth: 0,
                ..self.options.clone()
            };
            (Box::new(Engine::new(rules, options)), index)
        });
        let scratch = scratch
            .providers
            .get_or_insert_with(|| Box::new(engine.scratch()));
        let first = out.len();
        let summary = engine.scan(hay, scratch, out);
        for m in &mut out[first..] {
            m.rule = index[m.rule];
            if let Some(r) = &mut m.pending.rule_path {
                *r = index[*r as usize] as u32;
            }
        }
        summary
    }

    /// Like [`Engine::scan`] but only as written: no decoding.
    pub fn scan_as_written(
        &self,
        hay: &[u8],
        scratch: &mut Scratch,
        out: &mut Vec<Match>,
    ) -> BlobSummary {
        self.scan_layers(hay, scratch, out, 0, &mut 0)
    }

    fn scan_layers(
        &self,
        hay: &[u8],
        scratch: &mut Scratch,
        out: &mut Vec<Match>,
        depth: usize,
        budget: &mut usize,
    ) -> BlobSummary {
        let first = out.len();
        self.collect_windows(hay, scratch);
        self.run_regexes(hay, scratch);
        let mut summary = self.finish(hay, scratch, out);
        if depth > 0 {
            self.scan_decoded(hay, scratch, out, first, depth, budget, &mut summary);
        }
        summary
    }

    /// Like [`Engine::scan`] but runs every rule's regex over the whole blob, with no prefilter. It defines
    /// what `scan` must find; tests compare the two to enforce the prefilter contract.
    pub fn scan_exhaustive(
        &self,
        hay: &[u8],
        scratch: &mut Scratch,
        out: &mut Vec<Match>,
    ) -> BlobSummary {
        self.reset(scratch);
        for r in 0..self.rules.len() {
            scratch.windows[r].push((0, hay.len()));
            scratch.touched.push(r as u32);
        }
        self.run_regexes(hay, scratch);
        self.finish(hay, scratch, out)
    }

    fn reset(&self, scratch: &mut Scratch) {
        for &r in &scratch.touched {
            scratch.windows[r as usize].clear();
        }
        scratch.touched.clear();
        scratch.raw.clear();
    }

    /// Prefilter pass: for each candidate rule, the merged byte windows where its regex must run: before
    /// the ends the gate reports for the rules it covers, around keyword hits for the others.
    fn collect_windows(&self, hay: &[u8], scratch: &mut Scratch) {
        self.reset(scratch);
        #[cfg(sprawl_vectorscan)]
        if let Some(g) = self.gate(hay.len()) {
            if self.gate_windows(g, hay, scratch) {
                self.keyword_windows(&g.rest, &g.rest_always, hay, scratch);
                return;
            }
            self.reset(scratch);
        }
        self.keyword_windows(&self.prefilter, &self.always, hay, scratch);
    }

    /// Windows `[end - back, end]` (clipped to the lines a match can span) before every end the gate
    /// reports. `false` if the gate could not scan this blob.
    #[cfg(sprawl_vectorscan)]
    fn gate_windows(&self, g: &Gate, hay: &[u8], scratch: &mut Scratch) -> bool {
        let owner = g as *const Gate as usize;
        if !matches!(&scratch.hs, Some((o, _)) if *o == owner) {
            let Some(s) = g.gated.scratch() else {
                return false;
            };
            scratch.hs = Some((owner, s));
        }
        let Scratch {
            windows,
            touched,
            hs: Some((_, hs)),
            ..
        } = scratch
        else {
            return false;
        };
        g.gated.for_each_end(hay, hs, |r, end| {
            let Some(back) = g.gated.back(r) else {
                return;
            };
            let floor = end.saturating_sub(back);
            let w = &mut windows[r];
            match w.last_mut() {
                Some(last) if floor <= last.1 => last.1 = last.1.max(end),
                last => {
                    if last.is_none() {
                        touched.push(r as u32);
                    }
                    let start = match self.rules[r].newlines() {
                        Some(k) if end > floor => lines_before(hay, floor, end - 1, k),
                        _ => floor,
                    };
                    w.push((start, end));
                }
            }
        })
    }

    /// Windows around every keyword hit of `prefilter`, and the whole blob for the rules in `always`.
    fn keyword_windows(
        &self,
        prefilter: &Prefilter,
        always: &[u32],
        hay: &[u8],
        scratch: &mut Scratch,
    ) {
        let Scratch {
            windows, touched, ..
        } = scratch;
        prefilter.for_each_hit(hay, |hit| {
            let r = hit.rule as usize;
            let rule = &self.rules[r];
            let (start, end) = if rule.rule.window == WHOLE_BLOB {
                (0, hay.len())
            } else {
                let start = hit.start.saturating_sub(WINDOW_BEFORE);
                let end = hit.end.saturating_add(rule.rule.window).min(hay.len());
                match rule.newlines() {
                    Some(k) => lines_around(hay, start..end, hit.start, hit.end, k),
                    None => (start, end),
                }
            };
            let w = &mut windows[r];
            match w.last_mut() {
                Some(last) if start <= last.1 => {
                    last.0 = last.0.min(start);
                    last.1 = last.1.max(end);
                }
                Some(_) => w.push((start, end)),
                None => {
                    touched.push(hit.rule);
                    w.push((start, end));
                }
            }
        });
        for &r in always {
            windows[r as usize].push((0, hay.len()));
            touched.push(r);
        }
    }

    fn run_regexes(&self, hay: &[u8], scratch: &mut Scratch) {
        let Scratch {
            windows,
            touched,
            locations,
            raw,
            ..
        } = scratch;
        for &r in touched.iter() {
            let r = r as usize;
            let Some((re, group)) = self.compiled(r) else {
                continue;
            };
            let locs = locations[r].get_or_insert_with(|| re.capture_locations());
            for &(start, end) in &windows[r] {
                let mut end = extend_window_end(hay, end);
                let mut slice = &hay[..end];
                let mut pos = start;
                while pos <= end {
                    let Some(m) = re.captures_read_at(locs, slice, pos) else {
                        break;
                    };
                    // A match that reaches a window end inside a line may exist only because the
                    // regex sees the end of its slice there (`$`, `\b`): search again to the line's
                    // real end, so what is found never depends on where a window was cut.
                    if m.end() == end && end < hay.len() && hay[end] != b'\n' {
                        end = memchr::memchr(b'\n', &hay[end..]).map_or(hay.len(), |n| end + n);
                        slice = &hay[..end];
                        continue;
                    }
                    let secret = if *group == FIRST_GROUP {
                        (1..locs.len())
                            .find_map(|g| locs.get(g).filter(|(s, e)| e > s))
                            .or(Some((m.start(), m.end())))
                    } else {
                        locs.get(*group)
                    };
                    if let Some((s, e)) = secret {
                        if e > s {
                            raw.push(Raw {
                                start: s,
                                end: e,
                                rule: r as u32,
                                match_start: m.start(),
                                match_end: m.end(),
                            });
                        }
                    }
                    pos = if m.end() > m.start() {
                        m.end()
                    } else {
                        m.end() + 1
                    };
                }
            }
        }
    }

    /// What the allowlists say about a match from its content: `None` if one allows it outright,
    /// else the checks its place still has to pass.
    fn allowlisted(&self, hay: &[u8], m: &Raw) -> Option<Pending> {
        let rule = &self.rules[m.rule as usize];
        let mut pending = Pending {
            rule_path: rule.rule.path.is_some().then_some(m.rule),
            allowlists: Vec::new(),
        };
        if rule.allowlists.is_empty() {
            return Some(pending);
        }
        // gitleaks trims line breaks off a match.
        let mut matched = &hay[m.match_start..m.match_end];
        while let [rest @ .., b'\n'] = matched {
            matched = rest;
        }
        let content = Content {
            secret: &hay[m.start..m.end],
            matched,
            line: &hay[line_start(hay, 0, m.match_start)
                ..line_end(hay, m.match_start + matched.len(), hay.len())],
        };
        for &a in &rule.allowlists {
            match self.options.allowlists[a as usize].judge(&content) {
                Said::Allowed => return None,
                Said::IfPlaced => pending.allowlists.push(a),
                Said::No => {}
            }
        }
        Some(pending)
    }

    fn keep(&self, hay: &[u8], raw: &Raw) -> bool {
        let rule = &self.rules[raw.rule as usize].rule;
        let secret = &hay[raw.start..raw.end];
        if let Some(min) = rule.min_entropy {
            if filter::shannon_entropy(secret) < min {
                return false;
            }
        }
        if filter::is_placeholder(secret) {
            return false;
        }
        if rule.meta.confidence == Confidence::Low {
            // The variable name: at most 128 bytes back, not past the line start (bounded, so many
            // matches on one huge line stay linear).
            let back = raw.start.saturating_sub(128);
            let name_from =
                memchr::memrchr(b'\n', &hay[back..raw.start]).map_or(back, |i| back + i + 1);
            if filter::is_not_secret_shaped(secret, &hay[name_from..raw.start]) {
                return false;
            }
        }
        // Allowlists are applied after overlap resolution (in `finish`), so an allowlisted credential
        // does not resurface through a weaker rule that matched the same span.
        true
    }

    /// Filters, resolves overlaps between rules, and positions the surviving matches.
    fn finish(&self, hay: &[u8], scratch: &mut Scratch, out: &mut Vec<Match>) -> BlobSummary {
        let raw = &mut scratch.raw;
        raw.sort_unstable();
        raw.dedup();
        raw.retain(|m| self.keep(hay, m));
        let kept = self.resolve_overlaps(raw);
        let mut summary = BlobSummary::default();
        let mut cursor = Cursor::default();
        let mut marker = AllowMarker::default();
        for m in kept {
            let Some(pending) = self.allowlisted(hay, &m) else {
                summary.allowlisted += 1;
                continue;
            };
            if self.options.inline_allow && marker.covers(hay, m.start, m.end) {
                summary.allowed_inline += 1;
                continue;
            }
            let (line, column) = cursor.advance(hay, m.start);
            let (end_line, end_column) = end_position(hay, m.start, m.end, line, column);
            out.push(Match {
                rule: m.rule as usize,
                secret: Secret::new(hay[m.start..m.end].to_vec()),
                start: m.start,
                end: m.end,
                line,
                column,
                end_line,
                end_column,
                decoded: Vec::new(),
                held: triage::classify(&self.rules[m.rule as usize].rule, hay, m.start, m.end),
                pending,
            });
        }
        summary
    }

    /// Among matches whose secrets overlap, keeps the most specific: higher confidence, then a provider
    /// rule over a structural one (a netrc password that is a Heroku key is a Heroku key), then the longer
    /// secret, then the lower rule index. `raw` is sorted by start.
    fn resolve_overlaps(&self, raw: &[Raw]) -> Vec<Raw> {
        let rank = |m: &Raw| {
            let meta = &self.rules[m.rule as usize].rule.meta;
            let provider_specific = !is_structural(meta);
            (
                meta.confidence,
                provider_specific,
                m.end - m.start,
                std::cmp::Reverse(m.rule),
            )
        };
        let mut kept: Vec<Raw> = Vec::with_capacity(raw.len());
        let mut i = 0;
        while i < raw.len() {
            // A cluster: a maximal run of transitively overlapping spans.
            let mut j = i + 1;
            let mut cluster_end = raw[i].end;
            while j < raw.len() && raw[j].start < cluster_end {
                cluster_end = cluster_end.max(raw[j].end);
                j += 1;
            }
            let cluster = &raw[i..j];
            if cluster.len() == 1 {
                kept.push(cluster[0]);
            } else {
                let mut by_rank: Vec<Raw> = cluster.to_vec();
                by_rank.sort_by_key(|m| std::cmp::Reverse(rank(m)));
                let mut chosen: Vec<Raw> = Vec::new();
                for m in by_rank {
                    if chosen.iter().all(|c| m.end <= c.start || m.start >= c.end) {
                        chosen.push(m);
                    }
                }
                chosen.sort_unstable();
                kept.extend(chosen);
            }
            i = j;
        }
        kept
    }
}

/// The span of the `k` lines before the line of `start`, that line, the line of `end` and the `k` lines
/// after it (from a line start to a line's `\n`, exclusive), clipped to `within`. Only `within` is read, so
/// a hit on a long minified line costs its window, not the line.
fn lines_around(
    hay: &[u8],
    within: std::ops::Range<usize>,
    start: usize,
    end: usize,
    k: usize,
) -> (usize, usize) {
    let mut from = line_start(hay, within.start, start);
    let mut to = line_end(hay, end, within.end);
    for _ in 0..k {
        if from > within.start {
            from = line_start(hay, within.start, from - 1);
        }
        if to < within.end {
            to = line_end(hay, to + 1, within.end);
        }
    }
    (from, to)
}

/// Start of the `k`-th line before the one holding `p`, or `floor` if that starts before it.
#[cfg(sprawl_vectorscan)]
fn lines_before(hay: &[u8], floor: usize, p: usize, k: usize) -> usize {
    let mut from = line_start(hay, floor, p);
    for _ in 0..k {
        if from > floor {
            from = line_start(hay, floor, from - 1);
        }
    }
    from
}

/// Start of the line holding `p`, or `floor` if the line starts before it.
fn line_start(hay: &[u8], floor: usize, p: usize) -> usize {
    memchr::memrchr(b'\n', &hay[floor..p]).map_or(floor, |i| floor + i + 1)
}

/// End (the `\n`, exclusive) of the line holding `p`, or `ceil` if the line ends after it.
fn line_end(hay: &[u8], p: usize, ceil: usize) -> usize {
    memchr::memchr(b'\n', &hay[p..ceil]).map_or(ceil, |i| p + i)
}

/// The most bytes [`extend_window_end`] adds to a window.
const WINDOW_END_SLACK: usize = 1024;

/// Moves a window's end past the rest of its line (or token, on very long lines), so a regex never sees
/// a token cut in half at the slice end.
fn extend_window_end(hay: &[u8], end: usize) -> usize {
    if end >= hay.len() {
        return hay.len();
    }
    let limit = (end + WINDOW_END_SLACK).min(hay.len());
    if let Some(nl) = memchr::memchr(b'\n', &hay[end..limit]) {
        return end + nl;
    }
    let limit = (end + 512).min(hay.len());
    let token = |b: &u8| b.is_ascii_alphanumeric() || b"+/=_-.~%".contains(b);
    end + hay[end..limit].iter().take_while(|b| token(b)).count()
}

/// Whether the lines a match spans carry an inline marker (`sprawl:allow`, `gitleaks:allow`,
/// `pragma: allowlist secret`), or the line before them `pragma: allowlist nextline secret`. Remembers
/// the last lines it looked at, so many matches on one long line cost one pass over it, not one each.
#[derive(Default)]
struct AllowMarker {
    /// (line start, line end, marker present) of the last span examined.
    last: Option<(usize, usize, bool)>,
}

/// The compiled inline markers: (on the line, on the line before).
fn markers() -> &'static (Regex, Regex) {
    static MARKERS: OnceLock<(Regex, Regex)> = OnceLock::new();
    MARKERS.get_or_init(|| {
        let re = |p: &str| Regex::new(p).expect("the inline markers compile");
        (re(INLINE_MARKERS), re(NEXTLINE_MARKER))
    })
}

impl AllowMarker {
    fn covers(&mut self, hay: &[u8], start: usize, end: usize) -> bool {
        if let Some((s, e, present)) = self.last {
            if start >= s && end <= e {
                return present;
            }
        }
        let line_start = line_start(hay, 0, start);
        let line_end = line_end(hay, end, hay.len());
        let (same_line, next_line) = markers();
        let present = same_line.is_match(&hay[line_start..line_end])
            || (line_start > 0 && {
                let before = self::line_start(hay, 0, line_start - 1);
                next_line.is_match(&hay[before..line_start - 1])
            });
        self.last = Some((line_start, line_end, present));
        present
    }
}

/// Characters in `bytes`: UTF-8 scalar values, or bytes when the text is not UTF-8 (Latin-1 and other
/// single-byte encodings have one byte per character).
fn char_count(bytes: &[u8]) -> usize {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.chars().count(),
        Err(_) => bytes.len(),
    }
}

/// Incremental line/column computation over matches visited in order of position: each byte of the
/// blob is examined once, however many matches share a line.
#[derive(Default)]
struct Cursor {
    pos: usize,
    line: u32,
    /// 0-based column (in characters) of `pos`.
    column: u32,
}

impl Cursor {
    /// 1-based (line, column) of byte `to`; `to` must not be before the previous call's.
    fn advance(&mut self, hay: &[u8], to: usize) -> (u32, u32) {
        let span = &hay[self.pos..to];
        match memchr::memrchr(b'\n', span) {
            Some(last) => {
                self.line += memchr::memchr_iter(b'\n', span).count() as u32;
                self.column = char_count(&span[last + 1..]) as u32;
            }
            None => self.column += char_count(span) as u32,
        }
        self.pos = to;
        (self.line + 1, self.column + 1)
    }
}

/// (end_line, end_column) just after the secret at `start..end` that begins at (`line`, `column`).
fn end_position(hay: &[u8], start: usize, end: usize, line: u32, column: u32) -> (u32, u32) {
    let secret = &hay[start..end];
    match memchr::memrchr(b'\n', secret) {
        None => (line, column + char_count(secret) as u32),
        Some(last) => {
            let lines = memchr::memchr_iter(b'\n', secret).count() as u32;
            (line + lines, char_count(&secret[last + 1..]) as u32 + 1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::parse_rule_file;

    fn engine(toml: &str) -> Engine {
        let rules = parse_rule_file("test.toml", toml).unwrap();
        Engine::new(
            rules,
            EngineOptions {
                inline_allow: true,
                ..Default::default()
            },
        )
    }

    const RULES: &str = r#"
provider = "t"
[[rules]]
id = "t.tok"
name = "T token"
keywords = ["tok_"]
pattern = '\b(?P<secret>tok_[A-Za-z0-9]{20})\b'
confidence = "high"
[[rules]]
id = "t.generic"
name = "generic"
keywords = ["secret"]
pattern = '(?i)secret\s*=\s*"(?P<secret>[^"\s]{8,64})"'
confidence = "low"
"#;

    fn scan(e: &Engine, hay: &[u8]) -> Vec<(String, u32, u32, u32)> {
        let mut s = e.scratch();
        let mut out = Vec::new();
        e.scan(hay, &mut s, &mut out);
        out.iter()
            .map(|m| (m.secret.expose_lossy(), m.line, m.column, m.end_column))
            .collect()
    }

    #[test]
    fn newline_bound_of_patterns() {
        assert_eq!(max_newlines(r"ghp_[A-Za-z0-9]{36}"), Some(0));
        assert_eq!(
            max_newlines(r"(?m)key[ \t]*\r?\n[ \t]*value=(?P<secret>\w+)$"),
            Some(1)
        );
        assert_eq!(max_newlines(r"a(?:\n|b){0,3}c\nd"), Some(4));
        assert_eq!(max_newlines(r"-----BEGIN[\s\S]*?END"), None);
        assert_eq!(max_newlines(r"(?s)token.{0,5}"), Some(5));
        assert_eq!(max_newlines(r"(unclosed"), None);
    }

    #[test]
    fn lines_around_a_hit() {
        let hay = b"one\ntwo key two\nthree\nfour";
        let (s, e) = (8, 11); // "key"
        assert_eq!(&hay[s..e], b"key");
        let span = |within: std::ops::Range<usize>, k| {
            let (a, b) = lines_around(hay, within, s, e, k);
            std::str::from_utf8(&hay[a..b]).unwrap().to_string()
        };
        assert_eq!(span(0..hay.len(), 0), "two key two");
        assert_eq!(span(0..hay.len(), 1), "one\ntwo key two\nthree");
        assert_eq!(span(0..hay.len(), 5), "one\ntwo key two\nthree\nfour");
        // Clipped to the byte window: never reads (or returns) beyond it.
        assert_eq!(span(6..18, 0), "o key two");
        assert_eq!(span(6..18, 1), "o key two\nth");
    }

    /// Keywords on every line of a long text: a single-line rule still finds the one match, and the lines
    /// around each keyword (not a kilobyte either side) are all the regex reads.
    #[test]
    fn dense_keywords_single_line_rule() {
        let e = engine(
            r#"
            [[rules]]
            id = "t.kv"
            name = "kv"
            keywords = ["kvx"]
            pattern = '''kvx=(?P<secret>[A-Z0-9]{12})'''
            confidence = "high"
            "#,
        );
        let mut hay = "kvx none here\nplain filler line\n".repeat(250);
        hay.push_str("x kvx=AB12CD34EF56 y\n");
        hay.push_str(&"plain filler line\nkvx none\n".repeat(250));
        assert_eq!(
            scan(&e, hay.as_bytes()),
            vec![("AB12CD34EF56".to_string(), 501, 7, 19)]
        );
        let mut scratch = e.scratch();
        e.collect_windows(hay.as_bytes(), &mut scratch);
        let covered: usize = scratch.windows[0].iter().map(|(a, b)| b - a).sum();
        let keyword_lines: usize = hay
            .lines()
            .filter(|l| l.contains("kvx"))
            .map(str::len)
            .sum();
        assert_eq!(covered, keyword_lines);
    }

    /// Every built-in example in one blob, between keyword-dense lines that hold no credential: the gated
    /// engine finds exactly what the keyword prefilter finds, and searches far less.
    #[cfg(sprawl_vectorscan)]
    #[test]
    fn gated_scan_finds_what_the_keyword_scan_finds() {
        let rules = crate::rules::builtin().unwrap();
        let mut hay = String::new();
        for r in &rules {
            for ex in &r.examples {
                hay.push_str(ex);
                hay.push_str(
                    "\nlet password = ctx.token()?; // the secret key of the auth session\n",
                );
                hay.push_str("api_key: 1234\n  token: ${TOKEN}\n");
            }
        }
        let with = |gate| {
            let e = Engine::new(
                rules.clone(),
                EngineOptions {
                    gate,
                    ..Default::default()
                },
            );
            let mut s = e.scratch();
            let mut out = Vec::new();
            e.scan(hay.as_bytes(), &mut s, &mut out);
            let found: Vec<(usize, usize, usize)> =
                out.iter().map(|m| (m.rule, m.start, m.end)).collect();
            e.collect_windows(hay.as_bytes(), &mut s);
            let searched: usize = s.windows.iter().flatten().map(|(a, b)| b - a).sum();
            (found, searched)
        };
        let (keyword, keyword_bytes) = with(GateUse::Never);
        let (gated, gated_bytes) = with(GateUse::Always);
        assert!(keyword.len() > 300, "{} matches", keyword.len());
        assert_eq!(gated, keyword);
        assert!(
            gated_bytes * 2 < keyword_bytes,
            "gated {gated_bytes} vs keyword {keyword_bytes} bytes"
        );
    }

    /// `GateUse::Auto` keeps to the keyword prefilter until `GATE_AFTER_BYTES` have been scanned, then
    /// builds the gate once, and finds the same either way.
    #[cfg(sprawl_vectorscan)]
    #[test]
    fn automatic_gate_is_built_only_after_enough_bytes() {
        let e = engine(RULES);
        let mut filler = "let token = ctx.key(); // secret handling\n".repeat(1 << 14);
        filler.push_str("x tok_R7tZk2mQ9vXw4LpB8nHc\n");
        let mut scanned = 0;
        while scanned + filler.len() < GATE_AFTER_BYTES as usize {
            assert_eq!(scan(&e, filler.as_bytes()).len(), 1);
            scanned += filler.len();
        }
        assert!(e.gate.built.get().is_none(), "built after {scanned} bytes");
        assert_eq!(scan(&e, filler.as_bytes()).len(), 1);
        assert!(matches!(e.gate.built.get(), Some(Some(_))));
        assert_eq!(scan(&e, filler.as_bytes()).len(), 1);
    }

    /// The compiled gate is kept in the cache directory and read back; a damaged cache file is
    /// compiled again and replaced.
    #[cfg(sprawl_vectorscan)]
    #[test]
    fn gate_cache_is_reused_and_a_damaged_one_is_rebuilt() {
        let dir = tempfile::tempdir().unwrap();
        let e = |dir: &std::path::Path| {
            Engine::new(
                parse_rule_file("test.toml", RULES).unwrap(),
                EngineOptions {
                    gate: GateUse::Always,
                    gate_cache: Some(dir.to_path_buf()),
                    ..Default::default()
                },
            )
        };
        let hay = b"x tok_R7tZk2mQ9vXw4LpB8nHc secret = \"q8Fj2LmZ0pRt\"\n";
        let expected = scan(&e(dir.path()), hay);
        assert_eq!(expected.len(), 2);
        let files: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|f| f.unwrap().path())
            .collect();
        assert_eq!(files.len(), 1, "{files:?}");
        let good = std::fs::read(&files[0]).unwrap();
        assert!(good.starts_with(b"sprawl-gate 1\n"));
        assert_eq!(scan(&e(dir.path()), hay), expected);
        let mut bad = good.clone();
        let last = bad.len() - 1;
        bad[last] ^= 0xff;
        std::fs::write(&files[0], &bad).unwrap();
        assert_eq!(scan(&e(dir.path()), hay), expected);
        assert_eq!(std::fs::read(&files[0]).unwrap(), good);
        std::fs::write(&files[0], b"sprawl-gate 1\nshort").unwrap();
        assert_eq!(scan(&e(dir.path()), hay), expected);
        assert_eq!(std::fs::read(&files[0]).unwrap(), good);
    }

    #[test]
    fn positions_are_one_based_and_end_exclusive() {
        let e = engine(RULES);
        let hay = b"first line\r\nx = tok_R7tZk2mQ9vXw4LpB8nHc\n\xe9\xe9 tok_Q7tZk2mQ9vXw4LpB8nHd";
        assert_eq!(
            scan(&e, hay),
            vec![
                ("tok_R7tZk2mQ9vXw4LpB8nHc".into(), 2, 5, 29),
                ("tok_Q7tZk2mQ9vXw4LpB8nHd".into(), 3, 4, 28),
            ]
        );
    }

    #[test]
    fn specific_rule_wins_overlap_with_generic() {
        let e = engine(RULES);
        let hits = scan(&e, br#"secret = "tok_R7tZk2mQ9vXw4LpB8nHc""#);
        assert_eq!(hits, vec![("tok_R7tZk2mQ9vXw4LpB8nHc".into(), 1, 11, 35)]);
        let mut s = e.scratch();
        let mut out = Vec::new();
        e.scan(br#"secret = "tok_R7tZk2mQ9vXw4LpB8nHc""#, &mut s, &mut out);
        assert_eq!(e.rule(out[0].rule).meta.id, "t.tok");
    }

    #[test]
    fn inline_allow_suppresses_and_counts() {
        let e = engine(RULES);
        let mut s = e.scratch();
        let mut out = Vec::new();
        let summary = e.scan(
            b"a tok_R7tZk2mQ9vXw4LpB8nHc # sprawl:allow\n",
            &mut s,
            &mut out,
        );
        assert!(out.is_empty());
        assert_eq!(summary.allowed_inline, 1);
    }

    #[test]
    fn keyword_far_from_match_window_is_bounded() {
        let e = engine(RULES);
        // A keyword with no token near it finds nothing; a token far beyond the window is found by its own keyword.
        let mut hay = b"tok_ ".to_vec();
        hay.extend(std::iter::repeat_n(b'.', 5000));
        hay.extend(b" tok_R7tZk2mQ9vXw4LpB8nHc");
        assert_eq!(scan(&e, &hay).len(), 1);
    }

    #[test]
    fn scratch_is_reusable_across_blobs() {
        let e = engine(RULES);
        let mut s = e.scratch();
        let mut out = Vec::new();
        e.scan(b"tok_R7tZk2mQ9vXw4LpB8nHc", &mut s, &mut out);
        e.scan(b"nothing here", &mut s, &mut out);
        assert_eq!(out.len(), 1);
    }
}
