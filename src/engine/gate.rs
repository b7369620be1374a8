//! The regex gate: one Vectorscan database of every rule's pattern, relaxed to a superset, says where a
//! rule can match at all, so a rule's regex runs only in a short window before each place a match of it can
//! end, instead of around every keyword. On keyword-dense text (`token`, `key`, `password` in every other
//! line) most keyword hits are not followed by anything credential-shaped, and the gate drops them in
//! one SIMD pass.
//!
//! # Contract
//! The gate may report ends where no match ends; it must never miss one. The database holds for each
//! rule a pattern ([`relaxed`]) that matches everything the rule's regex matches, up to where matches
//! end (assertions Vectorscan lacks dropped, captures flattened, large repetition bounds opened, a weak
//! start dropped), compiled with `HS_FLAG_PREFILTER` (Vectorscan itself may widen it further), and
//! Vectorscan reports every end offset of every match. So each end `e` of a
//! rule's regex match is reported, and the window `[e - back, e]` ([`Gated::back`]) holds that match.
//! `cargo test` checks it on every rule example, comparing the gated scan with a full regex scan.
//!
//! Rules whose relaxed pattern cannot be built (none of the built-in ones), or that match the empty
//! string, keep the keyword prefilter.

use std::path::PathBuf;

use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// Repetition bounds above this become unbounded: `{8,128}` costs Vectorscan 128 states, `{4,}` a few.
/// Loose bounds cost the gate a few more reported ends and compile a third faster than 16.
const RELAX_MAX: u32 = 4;
/// Repetition minimums above this are lowered to it (`{40}` → `{4,}`): still a superset, smaller automata.
const RELAX_MIN: u32 = 4;

/// A pattern in Hyperscan syntax matching every string `pattern` matches (under the engine's settings:
/// Unicode off, bytes). `None` when it cannot be written (a non-ASCII Unicode class, an empty class) or it
/// matches the empty string (Vectorscan refuses those).
///
/// With `anchors` false, line anchors are dropped too (Vectorscan refuses `^` or `$` in the middle of a
/// concatenation, where some patterns put them).
pub fn relaxed(pattern: &str, anchors: bool) -> Option<String> {
    let hir = parse(pattern)?;
    if hir.properties().minimum_len().unwrap_or(0) == 0 {
        return None;
    }
    let mut out = String::new();
    write(&strip_lead(&hir), anchors, &mut out)?;
    Some(out)
}

/// `h` without its weak start: what can match empty, and runs of a character class (`[0-9a-f]{4,}`
/// before `-us1`). Any match of `AB` ends where a match of `B` ends, so the gate, which reports only ends,
/// loses nothing by dropping `A`; and Vectorscan then starts from the rule's literal (its keyword)
/// instead of running an automaton for `[\w.-]{0,60}` over every byte. The last element always stays.
fn strip_lead(h: &Hir) -> Hir {
    fn weak(h: &Hir) -> bool {
        match h.kind() {
            _ if h.properties().minimum_len() == Some(0) => true,
            HirKind::Repetition(r) => matches!(r.sub.kind(), HirKind::Class(_)),
            HirKind::Capture(c) => weak(&c.sub),
            _ => false,
        }
    }
    match h.kind() {
        HirKind::Concat(v) => {
            let first = v.iter().position(|h| !weak(h)).unwrap_or(v.len());
            let mut rest = v[first.min(v.len() - 1)..].to_vec();
            if let Some(head) = rest.first_mut() {
                *head = strip_lead(head);
            }
            Hir::concat(rest)
        }
        HirKind::Alternation(v) => Hir::alternation(v.iter().map(strip_lead).collect()),
        HirKind::Capture(c) => strip_lead(&c.sub),
        _ => h.clone(),
    }
}

/// The longest match of `pattern` in bytes, when bounded.
pub fn maximum_len(pattern: &str) -> Option<usize> {
    parse(pattern)?.properties().maximum_len()
}

/// `pattern` as the engine compiles it (Unicode off, matching bytes), or `None` if it does not parse.
pub(crate) fn parse(pattern: &str) -> Option<Hir> {
    regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
        .ok()
}

fn byte(b: u8, out: &mut String) {
    use std::fmt::Write;
    let _ = write!(out, "\\x{b:02x}");
}

fn write(h: &Hir, anchors: bool, out: &mut String) -> Option<()> {
    match h.kind() {
        HirKind::Empty => {}
        // The same assertion where Hyperscan has it (ASCII `\b`, line and text anchors); one that only
        // narrows a match further is dropped or widened, which keeps a superset.
        HirKind::Look(look) => out.push_str(match look {
            Look::StartLF | Look::EndLF if !anchors => "",
            Look::StartLF => "(?m:^)",
            Look::EndLF => "(?m:$)",
            Look::WordAscii | Look::WordStartAscii | Look::WordEndAscii => r"\b",
            Look::WordAsciiNegate => r"\B",
            _ => "",
        }),
        HirKind::Literal(l) => l.0.iter().for_each(|&b| byte(b, out)),
        HirKind::Class(Class::Bytes(c)) => {
            if c.ranges().is_empty() {
                return None;
            }
            out.push('[');
            for r in c.ranges() {
                byte(r.start(), out);
                if r.end() > r.start() {
                    out.push('-');
                    byte(r.end(), out);
                }
            }
            out.push(']');
        }
        HirKind::Class(Class::Unicode(c)) => {
            if c.ranges().is_empty() || c.ranges().iter().any(|r| r.end() > '\x7f') {
                return None;
            }
            out.push('[');
            for r in c.ranges() {
                byte(r.start() as u8, out);
                if r.end() > r.start() {
                    out.push('-');
                    byte(r.end() as u8, out);
                }
            }
            out.push(']');
        }
        HirKind::Repetition(r) => {
            let mut sub = String::new();
            write(&r.sub, anchors, &mut sub)?;
            if sub.is_empty() || r.max == Some(0) {
                return Some(());
            }
            let min = r.min.min(RELAX_MIN);
            let max = r.max.filter(|&m| m <= RELAX_MAX && min == r.min);
            out.push_str("(?:");
            out.push_str(&sub);
            out.push(')');
            match (min, max) {
                (0, None) => out.push('*'),
                (1, None) => out.push('+'),
                (0, Some(1)) => out.push('?'),
                (m, None) => out.push_str(&format!("{{{m},}}")),
                (m, Some(n)) if m == n => out.push_str(&format!("{{{m}}}")),
                (m, Some(n)) => out.push_str(&format!("{{{m},{n}}}")),
            }
        }
        HirKind::Capture(c) => {
            out.push_str("(?:");
            write(&c.sub, anchors, out)?;
            out.push(')');
        }
        HirKind::Concat(v) => {
            for h in v {
                write(h, anchors, out)?;
            }
        }
        HirKind::Alternation(v) => {
            out.push_str("(?:");
            for (i, h) in v.iter().enumerate() {
                if i > 0 {
                    out.push('|');
                }
                write(h, anchors, out)?;
            }
            out.push(')');
        }
    }
    Some(())
}

#[cfg(sprawl_vectorscan)]
pub use imp::Gated;

#[cfg(sprawl_vectorscan)]
mod imp {
    use std::path::Path;

    use sha2::{Digest, Sha256};

    use super::relaxed;
    use crate::engine::vectorscan::{self, Database, Scratch, HS_FLAG_PREFILTER};

    /// The compiled gate of one engine's rules.
    pub struct Gated {
        db: Database,
        /// Database pattern → rule index.
        rule_of: Vec<u32>,
        /// Per rule: for a gated rule, how far before a match's end its start can lie (bytes).
        back: Vec<Option<usize>>,
    }

    impl Gated {
        /// Builds the gate for `patterns` (one per rule) with `back[i]` the byte bound for rule `i`'s
        /// matches; a rule whose pattern cannot be relaxed, or that Vectorscan rejects, stays ungated.
        /// The compiled database is kept in `cache` (a directory), keyed by the library version and
        /// every relaxed pattern, so only the first run with a rule set pays for compiling it.
        pub fn build(patterns: &[&str], back: &[usize], cache: Option<&Path>) -> Option<Gated> {
            let mut exprs = Vec::new();
            let mut rule_of = Vec::new();
            for (i, p) in patterns.iter().enumerate() {
                if let Some(r) = relaxed(p, true) {
                    exprs.push((r, HS_FLAG_PREFILTER));
                    rule_of.push(i as u32);
                }
            }
            let file = cache.map(|dir| dir.join(format!("gate-{}.hsdb", key(&exprs, &rule_of))));
            let (db, rule_of) = match file.as_deref().and_then(|f| load(f, patterns.len())) {
                Some(loaded) => loaded,
                None => {
                    let db = compile(patterns, &mut exprs, &mut rule_of)?;
                    if let Some(f) = &file {
                        store(f, &db, &rule_of);
                    }
                    (db, rule_of)
                }
            };
            let mut gated = vec![None; patterns.len()];
            for &r in &rule_of {
                gated[r as usize] = Some(back[r as usize]);
            }
            Some(Gated {
                db,
                rule_of,
                back: gated,
            })
        }

        /// Whether rule `rule` is covered by the gate, and its byte bound.
        pub fn back(&self, rule: usize) -> Option<usize> {
            self.back[rule]
        }

        pub fn scratch(&self) -> Option<Scratch> {
            self.db.scratch()
        }

        /// Calls `f(rule, end)` for every place a gated rule's match may end, in order of end. `false` if
        /// the scan could not run (then nothing may be concluded).
        pub fn for_each_end(
            &self,
            hay: &[u8],
            scratch: &mut Scratch,
            mut f: impl FnMut(usize, usize),
        ) -> bool {
            let rule_of = &self.rule_of;
            let mut each = |id: usize, end: usize| {
                if let Some(&r) = rule_of.get(id) {
                    f(r as usize, end);
                }
            };
            self.db.scan(hay, scratch, &mut each)
        }
    }

    /// Compiles `exprs`; a pattern Vectorscan rejects is tried again without line anchors, then leaves
    /// the gate (with its entry in `rule_of`).
    fn compile(
        patterns: &[&str],
        exprs: &mut Vec<(String, u32)>,
        rule_of: &mut Vec<u32>,
    ) -> Option<Database> {
        loop {
            if exprs.is_empty() {
                return None;
            }
            match Database::compile(exprs) {
                Ok(db) => return Some(db),
                Err(e) => {
                    let i = e.expression?;
                    match relaxed(patterns[rule_of[i] as usize], false) {
                        Some(r) if r != exprs[i].0 => exprs[i].0 = r,
                        _ => {
                            exprs.remove(i);
                            rule_of.remove(i);
                        }
                    }
                }
            }
        }
    }

    const MAGIC: &[u8] = b"sprawl-gate 1\n";

    /// Hex SHA-256 of the library version, the CPU, and every (rule, flags, pattern).
    fn key(exprs: &[(String, u32)], rule_of: &[u32]) -> String {
        let mut h = Sha256::new();
        h.update(vectorscan::version());
        let (tune, features) = vectorscan::platform();
        h.update(tune.to_le_bytes());
        h.update(features.to_le_bytes());
        for ((p, flags), r) in exprs.iter().zip(rule_of) {
            h.update(r.to_le_bytes());
            h.update(flags.to_le_bytes());
            h.update((p.len() as u64).to_le_bytes());
            h.update(p);
        }
        h.finalize()[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Cache file: MAGIC, SHA-256 of the rest, rule count (u32 LE), rules (u32 LE each), database.
    fn load(file: &Path, rules: usize) -> Option<(Database, Vec<u32>)> {
        let bytes = std::fs::read(file).ok()?;
        let rest = bytes.strip_prefix(MAGIC)?;
        let (sum, body) = rest.split_at_checked(32)?;
        if Sha256::digest(body).as_slice() != sum {
            return None;
        }
        let (n, body) = body.split_at_checked(4)?;
        let n = u32::from_le_bytes(n.try_into().ok()?) as usize;
        let (ids, db) = body.split_at_checked(n.checked_mul(4)?)?;
        let rule_of: Vec<u32> = ids
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        if rule_of.iter().any(|&r| r as usize >= rules) {
            return None;
        }
        Some((Database::deserialize(db)?, rule_of))
    }

    /// Writes the cache file through a temporary file and a rename, so a reader never sees half of
    /// one. Failing to write it only costs the next run a compile.
    fn store(file: &Path, db: &Database, rule_of: &[u32]) {
        let Some(serialized) = db.serialize() else {
            return;
        };
        let mut body = (rule_of.len() as u32).to_le_bytes().to_vec();
        rule_of.iter().for_each(|r| body.extend(r.to_le_bytes()));
        body.extend(serialized);
        let mut out = MAGIC.to_vec();
        out.extend(Sha256::digest(&body));
        out.extend(body);
        let Some(dir) = file.parent() else {
            return;
        };
        let tmp = file.with_extension(format!("tmp{}", std::process::id()));
        let written = std::fs::create_dir_all(dir)
            .and_then(|_| std::fs::write(&tmp, &out))
            .and_then(|_| std::fs::rename(&tmp, file));
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }

    /// The Vectorscan version linked in, for `--version`.
    pub fn version() -> String {
        vectorscan::version()
    }
}

#[cfg(sprawl_vectorscan)]
pub use imp::version;

/// Where compiled gates are kept: `SPRAWL_CACHE_DIR` (empty: nowhere), else `$XDG_CACHE_HOME/sprawl`,
/// else `~/.cache/sprawl`.
pub fn cache_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("SPRAWL_CACHE_DIR") {
        return (!d.is_empty()).then(|| PathBuf::from(d));
    }
    if let Some(d) = std::env::var_os("XDG_CACHE_HOME").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d).join("sprawl"));
    }
    let home = std::env::var_os("HOME").filter(|d| !d.is_empty())?;
    Some(PathBuf::from(home).join(".cache").join("sprawl"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relaxed_patterns_are_supersets_in_hyperscan_syntax() {
        let r = |p: &str| relaxed(p, true);
        assert_eq!(r("ab").as_deref(), Some(r"\x61\x62"));
        // Case folding becomes classes, captures groups; `\b` and line anchors stay, text anchors go.
        assert_eq!(
            r(r"(?im)k\b(?P<secret>[0-9]{4})$\z").as_deref(),
            Some(r"[\x4b\x6b]\b(?:(?:[\x30-\x39]){4})(?m:$)")
        );
        assert_eq!(
            relaxed(r"(?m)k(?P<secret>[0-9]{4})$", false).as_deref(),
            Some(r"\x6b(?:(?:[\x30-\x39]){4})")
        );
        // Large bounds open up, large minimums come down.
        assert_eq!(
            r("x[a-z]{3,128}y{40}z{2,3}").as_deref(),
            Some(r"\x78(?:[\x61-\x7a]){3,}(?:\x79){4,}(?:\x7a){2,3}")
        );
        // What can match empty at the start goes (a match ends where the rest of it ends), down into
        // groups and alternatives.
        assert_eq!(
            r(r"\b[a-z_]{0,20}(?:token|(?:x)?key)\s*=").as_deref(),
            Some(r"(?:\x74\x6f\x6b\x65\x6e|\x6b\x65\x79)(?:[\x09-\x0d\x20])*\x3d")
        );
        // So do leading runs of a class, up to the last element.
        assert_eq!(
            r(r"[0-9a-f]{32}-us[0-9]{1,2}").as_deref(),
            Some(r"\x2d\x75\x73(?:[\x30-\x39]){1,2}")
        );
        assert_eq!(
            r(r"[a-z]{4}[0-9]{8}").as_deref(),
            Some(r"(?:[\x30-\x39]){4,}")
        );
        // Empty matches, unparsable patterns and non-ASCII classes are not gated.
        assert_eq!(r(r"a*"), None);
        assert_eq!(r(r"\b"), None);
        assert_eq!(r("("), None);
        assert_eq!(r(r"(?u:\pL)+"), None);
    }

    #[test]
    fn maximum_len_of_patterns() {
        assert_eq!(maximum_len("ab[0-9]{2,5}"), Some(7));
        assert_eq!(maximum_len(r"ab\w*"), None);
    }
}
