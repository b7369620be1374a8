//! The rule checker: runs every rule's examples and negative examples through the real engine (prefilter,
//! windows, filters, triage, overlap resolution), and enforces the prefilter contract on each example.
//! An example must be reported (found and not held back); a negative example must not be (absent, or
//! held back by triage); a documented example must be matched by its rule and held back as one. Every
//! rule must say where it is revoked by hand (`revoke.page`).
//! `cargo test` runs it on the built-in rules; `sprawl rules check FILE` runs it on a user's file.

use crate::engine::{check_pattern, gate_version, Engine, EngineOptions, GateUse, Scratch};
use crate::finding::{Hold, Match, Secret};
use crate::rules::Rule;

/// One way a rule fails its own examples.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckFailure {
    pub rule_id: String,
    pub origin: String,
    pub message: String,
}

impl std::fmt::Display for CheckFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: rule `{}`: {}",
            self.origin, self.rule_id, self.message
        )
    }
}

/// Checks `rules` together (an example must be found by its own rule even with every other rule present).
/// Returns every failure; empty means all rules pass.
pub fn check_rules(rules: Vec<Rule>) -> Vec<CheckFailure> {
    let mut failures = check_with(rules.clone(), GateUse::Never, "");
    // The same examples through the Vectorscan gate, when this build has it: it must not miss any.
    if gate_version().is_some() {
        failures.extend(check_with(
            rules,
            GateUse::Always,
            " (with the Vectorscan gate)",
        ));
    }
    failures
}

fn check_with(rules: Vec<Rule>, gate: GateUse, label: &str) -> Vec<CheckFailure> {
    let engine = Engine::new(
        rules,
        EngineOptions {
            inline_allow: true,
            gate,
            ..Default::default()
        },
    );
    let mut failures = Vec::new();
    let mut checker = Checker {
        engine: &engine,
        scratch: engine.scratch(),
        windowed: Vec::new(),
        exhaustive: Vec::new(),
    };
    for (index, rule) in engine.rules().enumerate() {
        let mut fail = |message: String| {
            failures.push(CheckFailure {
                rule_id: rule.meta.id.clone(),
                origin: rule.origin.to_string(),
                message: format!("{message}{label}"),
            })
        };
        // With the gate only the search differs: the rest is checked once, without it.
        let first = gate == GateUse::Never;
        if let Err(e) = check_pattern(&rule.pattern, rule.secret_group) {
            if first {
                fail(format!("invalid pattern: {e}"));
            }
            continue;
        }
        if first {
            check_required(rule, &mut fail);
        }
        checker.examples(index, rule, first, &mut fail);
        // The gate only narrows where regexes run: it cannot add a finding to a negative example.
        if first {
            checker.negative_examples(index, rule, &mut fail);
            checker.documented_examples(index, rule, &mut fail);
        }
    }
    failures
}

/// Fails a rule without examples, without negative examples, or without a way to revoke it by hand.
fn check_required(rule: &Rule, fail: &mut impl FnMut(String)) {
    if rule.examples.is_empty() {
        fail("has no examples".into());
    }
    if rule.negative_examples.is_empty() {
        fail("has no negative_examples".into());
    }
    if rule.meta.revoke.is_none() {
        fail(
            "says nowhere how to revoke it by hand: add `revoke = { page = \"https://…\" }` \
             (and `cli` when the provider has one), or `[revoke]` for the whole file"
                .into(),
        );
    }
}

/// Runs examples through one engine, reusing its scratch space and match buffers.
struct Checker<'e> {
    engine: &'e Engine,
    scratch: Scratch,
    /// Matches of the windowed (prefiltered) scan.
    windowed: Vec<Match>,
    /// Matches of the full regex scan.
    exhaustive: Vec<Match>,
}

impl Checker<'_> {
    /// Each example of rule `index` must be reported by it, and the prefilter must find what the full
    /// regex scan finds; with `first` (the run without the gate), it must also contain a keyword.
    fn examples(&mut self, index: usize, rule: &Rule, first: bool, fail: &mut impl FnMut(String)) {
        for (n, example) in rule.examples.iter().enumerate() {
            let lower = example.to_ascii_lowercase();
            if first
                && !rule
                    .keywords
                    .iter()
                    .any(|k| lower.contains(&k.to_ascii_lowercase()))
            {
                fail(format!("example {} contains none of the keywords", n + 1));
            }
            self.windowed.clear();
            self.exhaustive.clear();
            self.engine
                .scan(example.as_bytes(), &mut self.scratch, &mut self.windowed);
            let found_decoded = self
                .windowed
                .iter()
                .any(|m| m.rule == index && m.held.is_none());
            self.windowed.clear();
            self.engine
                .scan_as_written(example.as_bytes(), &mut self.scratch, &mut self.windowed);
            self.engine.scan_exhaustive(
                example.as_bytes(),
                &mut self.scratch,
                &mut self.exhaustive,
            );
            if first && !found_decoded {
                let found: Vec<&str> = self
                    .windowed
                    .iter()
                    .map(|m| self.engine.rule(m.rule).meta.id.as_str())
                    .collect();
                let held = self
                    .windowed
                    .iter()
                    .find(|m| m.rule == index)
                    .and_then(|m| m.held);
                if let Some(h) = held {
                    fail(format!("example {} is held back ({})", n + 1, h.as_str()));
                    continue;
                }
                fail(format!(
                    "example {} is not found (found instead: {})",
                    n + 1,
                    if found.is_empty() {
                        "nothing".to_string()
                    } else {
                        found.join(", ")
                    }
                ));
            }
            if spans(&self.windowed) != spans(&self.exhaustive) {
                fail(format!(
                    "example {}: the prefilter missed a match the full regex scan finds \
                     (a match without a keyword, or longer than the window)",
                    n + 1
                ));
            }
        }
    }

    /// No negative example of rule `index` may be reported by it.
    fn negative_examples(&mut self, index: usize, rule: &Rule, fail: &mut impl FnMut(String)) {
        for (n, negative) in rule.negative_examples.iter().enumerate() {
            self.windowed.clear();
            self.engine
                .scan(negative.as_bytes(), &mut self.scratch, &mut self.windowed);
            if self
                .windowed
                .iter()
                .any(|m| m.rule == index && m.held.is_none())
            {
                fail(format!("negative example {} is found", n + 1));
            }
        }
    }

    /// Each documented example of rule `index` must come from an https:// page and be matched by the
    /// rule and held back as a documented example.
    fn documented_examples(&mut self, index: usize, rule: &Rule, fail: &mut impl FnMut(String)) {
        for d in &rule.documented {
            if !d.source.starts_with("https://") {
                fail(format!(
                    "documented example {:?}: source must be an https:// page",
                    Secret::new(d.value.clone().into_bytes())
                ));
            }
            self.windowed.clear();
            self.engine
                .scan(d.value.as_bytes(), &mut self.scratch, &mut self.windowed);
            let held = self
                .windowed
                .iter()
                .find(|m| m.rule == index)
                .and_then(|m| m.held);
            if held != Some(Hold::DocumentedExample) {
                fail(format!(
                    "documented example from {} is not matched by the rule as written",
                    d.source
                ));
            }
        }
    }
}

fn spans(ms: &[Match]) -> Vec<(usize, usize, usize)> {
    ms.iter().map(|m| (m.rule, m.start, m.end)).collect()
}
