//! Allowlists: what is never reported, for every rule or for the rules an allowlist names. One model
//! serves sprawl's `[allowlist]` (values and secret regexes) and gitleaks' `[allowlist]`,
//! `[[allowlists]]` (with `targetRules`) and per-rule `[[rules.allowlists]]`.
//!
//! An allowlist's criteria fall in two kinds. What the content says (exact values, regexes on the secret,
//! the whole match or its line, stop words in the secret) is decided here, by the engine, which has the
//! blob. Where the match is (path regexes, commits) is decided by the caller once the match is placed:
//! a git blob is scanned once and its paths and commits are known only afterwards. A match carries the
//! allowlists whose verdict waits for its place ([`Pending`]). With `any` (gitleaks' `condition =
//! "OR"`, the default) one criterion suffices; with `all` (`"AND"`) every criterion given must hold.

use regex::bytes::Regex;

/// What an allowlist's `regexes` are matched against.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Target {
    /// The secret (gitleaks' default, and sprawl's).
    #[default]
    Secret,
    /// The whole text the rule's regex matched.
    Match,
    /// The line(s) the match is on.
    Line,
}

/// One allowlist. `Debug` prints no value or pattern.
#[derive(Clone, Default)]
pub struct Allowlist {
    /// Ids of the rules it applies to; empty: every rule.
    pub rules: Vec<String>,
    /// Every criterion given must hold (`condition = "AND"`); otherwise any one suffices.
    pub all: bool,
    /// Exact secret values.
    pub values: Vec<Vec<u8>>,
    pub regexes: Vec<Regex>,
    pub target: Target,
    /// Lowercase words; a secret containing one (ASCII case-insensitively) is allowed.
    pub stopwords: Vec<Vec<u8>>,
    /// Regexes on the path relative to the scanned root.
    pub paths: Vec<regex::Regex>,
    /// Lowercase commit ids (full, as gitleaks compares them).
    pub commits: Vec<String>,
}

impl std::fmt::Debug for Allowlist {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Allowlist")
            .field("rules", &self.rules)
            .field("all", &self.all)
            .field("values", &self.values.len())
            .field("regexes", &self.regexes.len())
            .field("target", &self.target)
            .field("stopwords", &self.stopwords.len())
            .field("paths", &self.paths.len())
            .field("commits", &self.commits.len())
            .finish()
    }
}

/// The content of one match, as allowlists see it.
pub(super) struct Content<'a> {
    pub secret: &'a [u8],
    pub matched: &'a [u8],
    pub line: &'a [u8],
}

/// What the content alone says about a match.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Said {
    /// Allowed, wherever it is.
    Allowed,
    /// Allowed if its place (path, commit) matches.
    IfPlaced,
    /// Not allowed by this allowlist.
    No,
}

impl Allowlist {
    /// Whether the allowlist applies to the rule with id `rule`.
    pub fn applies_to(&self, rule: &str) -> bool {
        self.rules.is_empty() || self.rules.iter().any(|r| r == rule)
    }

    fn has_content(&self) -> bool {
        !(self.values.is_empty() && self.regexes.is_empty() && self.stopwords.is_empty())
    }

    fn has_place(&self) -> bool {
        !(self.paths.is_empty() && self.commits.is_empty())
    }

    pub(super) fn judge(&self, c: &Content) -> Said {
        let target = match self.target {
            Target::Secret => c.secret,
            Target::Match => c.matched,
            Target::Line => c.line,
        };
        let value = !self.values.is_empty() && self.values.iter().any(|v| v == c.secret);
        let regex = !self.regexes.is_empty() && self.regexes.iter().any(|r| r.is_match(target));
        let stopword = !self.stopwords.is_empty() && {
            let lower = c.secret.to_ascii_lowercase();
            self.stopwords
                .iter()
                .any(|w| memchr::memmem::find(&lower, w).is_some())
        };
        if !self.all {
            return if value || regex || stopword {
                Said::Allowed
            } else if self.has_place() {
                Said::IfPlaced
            } else {
                Said::No
            };
        }
        let content = (self.values.is_empty() || value)
            && (self.regexes.is_empty() || regex)
            && (self.stopwords.is_empty() || stopword);
        if !content {
            Said::No
        } else if self.has_place() {
            Said::IfPlaced
        } else if self.has_content() {
            Said::Allowed
        } else {
            Said::No // an allowlist with no criterion allows nothing (configs refuse it)
        }
    }

    /// Whether the place of a match allows it, given that [`Allowlist::judge`] said
    /// [`Said::IfPlaced`]. `commit` is `None` outside git history.
    pub fn place_allows(&self, path: &str, commit: Option<&str>) -> bool {
        let path_ok = !self.paths.is_empty() && self.paths.iter().any(|r| r.is_match(path));
        let commit_ok = !self.commits.is_empty()
            && commit.is_some_and(|c| {
                let c = c.to_ascii_lowercase();
                self.commits.contains(&c)
            });
        if self.all {
            (self.paths.is_empty() || path_ok) && (self.commits.is_empty() || commit_ok)
        } else {
            path_ok || commit_ok
        }
    }
}

/// What a match's place decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Report,
    /// Outside the paths its rule applies to: not a finding at all.
    OutsideRulePath,
    /// An allowlist allows it there.
    Allowlisted,
}
