//! The keyword prefilter: one Aho-Corasick automaton over every rule's keywords, matched ASCII
//! case-insensitively, tells which rules can match a blob and where.
//!
//! # Contract
//! The prefilter may report false candidates; it must never miss a real match. That holds because
//! (1) every match of a rule contains one of its keywords (rule authors' obligation, checked for every
//! example in `cargo test` by comparing the windowed scan with a full-blob regex scan), and
//! (2) for every occurrence of a keyword `K` in the text, every rule listing `K` gets a hit that lies
//! inside that occurrence (tested against a brute-force search in this module's tests).
//!
//! # How (2) is kept while staying fast
//! Overlapping Aho-Corasick search is ~50% slower than non-overlapping search, so the text is searched
//! non-overlapping with standard semantics: each reported match is the occurrence that ends earliest, and
//! the search resumes at its end. The occurrences this skips are exactly those that start before a reported
//! match ends and end at or after its end (`secret` inside `client_secret` ends with it; `bcd` in `abcd`
//! straddles `abc`). They lie within `max_len` bytes of that end, so a small overlapping search there
//! recovers them. Keyword hits are rare (one per kilobyte of typical text), so this costs little.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, Input, MatchKind};

/// Bytes scanned before the DFA is built. The DFA searches faster than the NFA but takes milliseconds to
/// build: worth it for a directory or history scan, not for the pre-commit hook's few small files.
const DFA_AFTER_BYTES: u64 = 1 << 20;

pub struct Prefilter {
    patterns: Vec<String>,
    /// Cheap to build; used until [`DFA_AFTER_BYTES`] have been scanned.
    nfa: AhoCorasick,
    dfa: OnceLock<AhoCorasick>,
    scanned: AtomicU64,
    /// For each automaton pattern, the rules whose keywords contain it.
    rules_of: Vec<Vec<u32>>,
    /// Longest keyword.
    max_len: usize,
    /// No rule has a keyword: nothing to search.
    empty: bool,
}

/// A keyword occurrence that makes `rule` a candidate around `start..end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    pub rule: u32,
    pub start: usize,
    pub end: usize,
}

impl Prefilter {
    /// `keywords[i]` are the keywords of rule `i`.
    pub fn new<'a>(keywords: impl Iterator<Item = &'a [String]>) -> Prefilter {
        let mut patterns: Vec<String> = Vec::new();
        let mut rules_of: Vec<Vec<u32>> = Vec::new();
        let mut index: std::collections::HashMap<String, usize> = Default::default();
        for (rule, kws) in keywords.enumerate() {
            for k in kws {
                let key = k.to_ascii_lowercase();
                let slot = *index.entry(key.clone()).or_insert_with(|| {
                    patterns.push(key);
                    rules_of.push(Vec::new());
                    patterns.len() - 1
                });
                if !rules_of[slot].contains(&(rule as u32)) {
                    rules_of[slot].push(rule as u32);
                }
            }
        }
        let empty = patterns.is_empty();
        if empty {
            // An automaton needs a pattern; this one is never searched.
            patterns.push("\0\0\0\0".into());
            rules_of.push(Vec::new());
        }
        let max_len = patterns.iter().map(|p| p.len()).max().unwrap_or(0);
        let nfa = build(&patterns, AhoCorasickKind::ContiguousNFA);
        Prefilter {
            patterns,
            nfa,
            dfa: OnceLock::new(),
            scanned: AtomicU64::new(0),
            rules_of,
            max_len,
            empty,
        }
    }

    /// The automaton to use for a blob of `len` bytes: both have the same patterns, in the same order.
    fn automaton(&self, len: usize) -> &AhoCorasick {
        if let Some(dfa) = self.dfa.get() {
            return dfa;
        }
        let before = self.scanned.fetch_add(len as u64, Ordering::Relaxed);
        if before + len as u64 >= DFA_AFTER_BYTES {
            self.dfa
                .get_or_init(|| build(&self.patterns, AhoCorasickKind::DFA))
        } else {
            &self.nfa
        }
    }

    /// Calls `f` for every (rule, keyword occurrence) in `hay`, roughly in order of position.
    pub fn for_each_hit(&self, hay: &[u8], mut f: impl FnMut(Hit)) {
        if self.empty {
            return;
        }
        let mut emit = |pattern: usize, start: usize, end: usize| {
            for &rule in &self.rules_of[pattern] {
                f(Hit { rule, start, end });
            }
        };
        let automaton = self.automaton(hay.len());
        let mut resumed_at = 0;
        for m in automaton.find_iter(hay) {
            emit(m.pattern().as_usize(), m.start(), m.end());
            // Occurrences that start before this match ends and end at or after its end were skipped by
            // the non-overlapping search; they lie entirely within max_len of the end.
            let lo = resumed_at.max(m.end().saturating_sub(self.max_len));
            let hi = (m.end() + self.max_len - 1).min(hay.len());
            let input = Input::new(hay).range(lo..hi);
            for o in automaton.find_overlapping_iter(input) {
                let same = o.pattern() == m.pattern() && o.start() == m.start();
                if !same && o.start() < m.end() && o.end() >= m.end() {
                    emit(o.pattern().as_usize(), o.start(), o.end());
                }
            }
            resumed_at = m.end();
        }
    }
}

fn build(patterns: &[String], kind: AhoCorasickKind) -> AhoCorasick {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .kind(Some(kind))
        .build(patterns)
        .expect("keyword automaton builds: keywords are short literals")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic xorshift, so the test is reproducible.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    /// The contract, by brute force: the hits are exactly the occurrences of every keyword of every rule. Keywords are chosen to overlap in every way (prefix, suffix, inside, straddling).
    #[test]
    fn every_keyword_occurrence_yields_a_hit_inside_it() {
        let rules: Vec<Vec<String>> = [
            vec!["abc", "token"],
            vec!["bcd"],
            vec!["abcd", "api_token"],
            vec!["cdab", "dab"],
            vec!["aaa"],
            vec!["bcdabc"],
            vec!["client_secret", "secret"],
            vec!["cab"],
        ]
        .iter()
        .map(|ks| ks.iter().map(|s| s.to_string()).collect())
        .collect();
        let pf = Prefilter::new(rules.iter().map(|v| v.as_slice()));
        assert!(pf.dfa.get().is_none());
        let alphabet = b"abcdABCD";
        let mut rng = Rng(0x9e3779b97f4a7c15);
        for _ in 0..300 {
            let len = (rng.next() % 200) as usize;
            let mut hay: Vec<u8> = (0..len)
                .map(|_| alphabet[(rng.next() % alphabet.len() as u64) as usize])
                .collect();
            if rng.next() % 3 == 0 {
                hay.extend_from_slice(b"x api_token=1 CLIENT_SECRET secret");
            }
            let mut hits = std::collections::BTreeSet::new();
            pf.for_each_hit(&hay, |h| {
                hits.insert((h.rule, h.start, h.end));
            });
            let mut expected = std::collections::BTreeSet::new();
            for (rule, kws) in rules.iter().enumerate() {
                for k in kws {
                    for s in 0..hay.len().saturating_sub(k.len() - 1) {
                        let e = s + k.len();
                        if hay[s..e].eq_ignore_ascii_case(k.as_bytes()) {
                            expected.insert((rule as u32, s, e));
                        }
                    }
                }
            }
            assert_eq!(hits, expected, "in {:?}", String::from_utf8_lossy(&hay));
            // The same through the DFA.
            let dfa = pf
                .dfa
                .get_or_init(|| build(&pf.patterns, AhoCorasickKind::DFA));
            assert_eq!(dfa.find_iter(&hay).count(), pf.nfa.find_iter(&hay).count());
        }
    }
}
