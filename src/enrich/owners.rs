//! Owners from CODEOWNERS, with GitHub's semantics: gitignore-style patterns (matched with the `ignore`
//! crate's gitignore matcher), the last matching line wins, and a line with a pattern but no owners
//! unassigns. When no line applies, a history finding falls back to the author of the commit that
//! introduced it.

use std::collections::HashMap;

use ignore::gitignore::{Gitignore, GitignoreBuilder};

use crate::finding::Finding;

/// Where GitHub looks for the file, in its order: the first that exists is used.
pub const CODEOWNERS_LOCATIONS: [&str; 3] = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"];

/// A parsed CODEOWNERS file.
pub struct Codeowners {
    /// (matcher for one line's pattern, whether it also matches paths below a matching directory, that
    /// line's owners), in file order.
    rules: Vec<(Gitignore, bool, Vec<String>)>,
}

/// A line that could not be used (reported as a warning; the rest of the file applies).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: usize,
    pub message: String,
}

impl Codeowners {
    /// Parses CODEOWNERS text; unusable lines are returned, not fatal.
    pub fn parse(text: &str) -> (Codeowners, Vec<LineError>) {
        let mut rules = Vec::new();
        let mut errors = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut parts = line.split_whitespace();
            let pattern = parts.next().expect("a non-empty line has a first word");
            let owners: Vec<String> = parts
                .take_while(|w| !w.starts_with('#'))
                .map(str::to_string)
                .collect();
            // GitHub: `docs/*` owns files directly in docs/, not deeper; `apps/` or `apps` own all below.
            // So a wildcard in the last segment matches the path itself only.
            let last = pattern
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or("");
            let covers_below = !last.contains('*') || pattern.ends_with("/**");
            let mut b = GitignoreBuilder::new("");
            match b.add_line(None, pattern).and_then(|b| b.build()) {
                Ok(gi) => rules.push((gi, covers_below, owners)),
                Err(e) => errors.push(LineError {
                    line: i + 1,
                    message: e.to_string(),
                }),
            }
        }
        (Codeowners { rules }, errors)
    }

    /// The owners of `path` (relative to the repository root): the last matching line's, possibly none.
    pub fn owners_of(&self, path: &str) -> Option<&[String]> {
        self.rules
            .iter()
            .rev()
            .find(|(gi, below, _)| {
                if *below {
                    gi.matched_path_or_any_parents(path, false).is_ignore()
                } else {
                    gi.matched(path, false).is_ignore()
                }
            })
            .map(|(_, _, owners)| owners.as_slice())
    }
}

/// Sets `owners` and `owner_source` on every finding: CODEOWNERS first (`codeowners`), then the
/// introducing commit's author (`commit_author`), else none.
pub fn assign(findings: &mut [Finding], codeowners: Option<&Codeowners>) {
    let mut cache: HashMap<String, Option<Vec<String>>> = HashMap::new();
    for f in findings {
        let from_file = codeowners.and_then(|c| {
            cache
                .entry(f.path.clone())
                .or_insert_with(|| c.owners_of(&f.path).map(<[String]>::to_vec))
                .clone()
        });
        match from_file {
            Some(owners) if !owners.is_empty() => {
                f.owners = owners;
                f.owner_source = Some("codeowners".into());
            }
            _ => match &f.commit {
                Some(c) if !c.author_email.is_empty() => {
                    f.owners = vec![c.author_email.clone()];
                    f.owner_source = Some("commit_author".into());
                }
                _ => {
                    f.owners.clear();
                    f.owner_source = None;
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owners(c: &Codeowners, path: &str) -> Option<Vec<String>> {
        c.owners_of(path).map(<[String]>::to_vec)
    }

    #[test]
    fn github_semantics_last_match_wins_and_unassign() {
        let (c, errors) = Codeowners::parse(
            "# comment\n\
             *                 @org/everyone\n\
             *.js              @org/frontend   # trailing comment\n\
             /build/logs/      @org/ops\n\
             docs/*            @org/docs\n\
             apps/             @org/apps\n\
             **/secrets        @org/security\n\
             apps/generated/\n",
        );
        assert!(errors.is_empty());
        let v = |s: &[&str]| Some(s.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        assert_eq!(owners(&c, "README.md"), v(&["@org/everyone"]));
        assert_eq!(owners(&c, "web/src/app.js"), v(&["@org/frontend"]));
        assert_eq!(owners(&c, "build/logs/x.log"), v(&["@org/ops"]));
        assert_eq!(
            owners(&c, "sub/build/logs/x.log"),
            v(&["@org/everyone"]),
            "anchored"
        );
        assert_eq!(owners(&c, "docs/guide.md"), v(&["@org/docs"]));
        assert_eq!(
            owners(&c, "docs/deep/guide.md"),
            v(&["@org/everyone"]),
            "docs/* is one level"
        );
        assert_eq!(owners(&c, "apps/api/main.go"), v(&["@org/apps"]));
        assert_eq!(
            owners(&c, "x/apps/api/main.go"),
            v(&["@org/apps"]),
            "unanchored directory"
        );
        assert_eq!(owners(&c, "deploy/secrets/prod.env"), v(&["@org/security"]));
        assert_eq!(
            owners(&c, "apps/generated/x.env"),
            v(&[]),
            "a line without owners unassigns"
        );
    }

    #[test]
    fn no_match_is_none() {
        let (c, _) = Codeowners::parse("/only/here @a\n");
        assert_eq!(owners(&c, "elsewhere.txt"), None);
    }
}
