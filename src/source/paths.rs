//! Path patterns with gitignore semantics, the ones users know from `.gitignore` (and CODEOWNERS, which
//! `enrich::owners` reads with the same matcher): a pattern without a `/` (other than a trailing one)
//! matches a name at any depth, one with a `/` is anchored at the scanned root (a leading `/` only
//! says so), `*` never crosses a `/`, `**` does, a trailing `/` matches directories only, `!` re-includes,
//! and the last matching pattern wins. A path is matched when it or any of its parent directories is.

use std::path::{Component, Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};

/// A set of gitignore patterns over paths relative to the scanned root. The default matches nothing.
#[derive(Clone, Debug)]
pub struct PathPatterns(Gitignore);

impl Default for PathPatterns {
    fn default() -> PathPatterns {
        PathPatterns(Gitignore::empty())
    }
}

impl PathPatterns {
    /// Compiles `patterns`; an invalid one is an error naming its index and the problem.
    pub fn new<'a>(
        patterns: impl IntoIterator<Item = &'a str>,
    ) -> Result<PathPatterns, (usize, String)> {
        let mut b = GitignoreBuilder::new("");
        for (i, p) in patterns.into_iter().enumerate() {
            b.add_line(None, p).map_err(|e| (i, e.to_string()))?;
        }
        b.build().map(PathPatterns).map_err(|e| (0, e.to_string()))
    }

    /// Whether `path` (a file, or a directory when `is_dir`) or one of its parents is matched. Only the
    /// path's plain components count: a leading `/`, `./` or `../` is not part of what is matched.
    pub fn is_match(&self, path: &Path, is_dir: bool) -> bool {
        if self.0.is_empty() {
            return false;
        }
        let rel: PathBuf = path
            .components()
            .filter(|c| matches!(c, Component::Normal(_)))
            .collect();
        if rel.as_os_str().is_empty() {
            return false;
        }
        self.0.matched_path_or_any_parents(&rel, is_dir).is_ignore()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(patterns: &[&str], path: &str) -> bool {
        PathPatterns::new(patterns.iter().copied())
            .unwrap()
            .is_match(Path::new(path), false)
    }

    #[test]
    fn a_star_stays_inside_one_directory_and_two_stars_cross_them() {
        assert!(matches(&["docs/*.md"], "docs/a.md"));
        assert!(!matches(&["docs/*.md"], "docs/a/b.md"));
        assert!(matches(&["docs/**/*.md"], "docs/a/b.md"));
        assert!(matches(&["docs/**/*.md"], "docs/a.md"));
        assert!(matches(&["**/*.lock"], "a/b/Cargo.lock"));
        // `docs/*` matches the directory docs/a, and so everything in it, as git ignores it.
        assert!(matches(&["docs/*"], "docs/a/b"));
        assert!(!matches(&["docs/*"], "docs"));
    }

    #[test]
    fn a_name_without_a_slash_matches_at_any_depth_and_a_slash_anchors() {
        assert!(matches(&["*.lock"], "a/b/Cargo.lock"));
        assert!(matches(&["fixtures"], "src/fixtures/key.pem"));
        assert!(matches(&["/fixtures"], "fixtures/key.pem"));
        assert!(!matches(&["/fixtures"], "src/fixtures/key.pem"));
        assert!(matches(&["src/fixtures"], "src/fixtures/key.pem"));
        assert!(!matches(&["src/fixtures"], "lib/src/fixtures/key.pem"));
    }

    #[test]
    fn directory_patterns_negation_and_leading_components() {
        assert!(matches(&["fixtures/"], "fixtures/key.pem"));
        assert!(!matches(&["fixtures/"], "fixtures"));
        assert!(!matches(&["*.pem", "!keep.pem"], "keep.pem"));
        assert!(matches(&["*.pem", "!keep.pem"], "other.pem"));
        assert!(matches(&["/fixtures"], "./fixtures/key.pem"));
        assert!(matches(&["*.pem"], "/abs/dir/key.pem"));
        assert!(!PathPatterns::default().is_match(Path::new("a"), false));
        assert!(!matches(&["*"], ""));
    }

    #[test]
    fn an_invalid_pattern_names_its_index() {
        let err = PathPatterns::new(["ok/**", "a/{b"]).unwrap_err();
        assert_eq!(err.0, 1, "{}", err.1);
    }
}
