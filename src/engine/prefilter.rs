//! The keyword prefilter: one Aho-Corasick automaton over every rule's keywords, matched ASCII
//! case-insensitively, tells which rules can match a blob and where.
//!
//! # Contract
//! The prefilter may report false candidates; it must never miss a real match. That holds because
//! (1) every match of a rule contains one of its keywords (rule authors' obligation, checked for every
//! example in `cargo test` by comparing the windowed scan with a full-blob regex scan), and
//! (2) overlapping search reports *every* keyword occurrence, including keywords inside other keywords
//! ("token" inside "api_token"), so no rule loses its candidate to a longer keyword.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

pub struct Prefilter {
    automaton: AhoCorasick,
    /// For each automaton pattern, the rules that listed it as a keyword.
    rules_of: Vec<Vec<u32>>,
}

/// A keyword occurrence that makes `rule` a candidate around `start..end`.
#[derive(Clone, Copy, Debug)]
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
        let automaton = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .expect("keyword automaton builds: keywords are short literals");
        Prefilter {
            automaton,
            rules_of,
        }
    }

    /// Calls `f` for every (rule, keyword occurrence) in `hay`, in order of the occurrence's end.
    pub fn for_each_hit(&self, hay: &[u8], mut f: impl FnMut(Hit)) {
        for m in self.automaton.find_overlapping_iter(hay) {
            for &rule in &self.rules_of[m.pattern().as_usize()] {
                f(Hit {
                    rule,
                    start: m.start(),
                    end: m.end(),
                });
            }
        }
    }
}
