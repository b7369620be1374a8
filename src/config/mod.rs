//! `Config`: everything a run needs, as plain data (the CLI builds it; tests and benches build it
//! directly), and loading of the optional `sprawl.toml` file (custom rules, disabled rules, allowlists).
//!
//! A config file is read only when the user passes it (`--config`): a file inside the scanned tree never
//! changes what is reported on its own.

pub mod gitleaks;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::engine::allow::Allowlist;
use crate::rules::{self, Confidence, RawRule, Rule, RuleError, RuleOrigin};
use crate::source::paths::PathPatterns;

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Jsonl,
    Sarif,
    Csv,
    /// GitHub Actions workflow commands: one `::error file=…,line=…::…` annotation per finding.
    Github,
}

/// What to scan.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Mode {
    /// Files and directories on disk (and stdin).
    #[default]
    Files,
    /// The git history of the repository at the first path; with a range `(from, to)`, only what the
    /// commits of `from..to` introduce.
    History { range: Option<(String, String)> },
    /// What is staged in the index of the repository containing the first path.
    Staged,
}

/// Which credentials make the exit status non-zero (`--fail-on`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum FailOn {
    /// Anything reported (the default).
    #[default]
    Any,
    /// Only credentials the provider confirmed live (`--validate`).
    Live,
    /// Never: report only.
    None,
}

/// A scan, fully described.
#[derive(Clone, Debug)]
pub struct Config {
    pub mode: Mode,
    pub paths: Vec<PathBuf>,
    pub format: Format,
    pub output: Option<PathBuf>,
    /// Further reports of the same scan: (format, file) from `--report FORMAT=FILE`.
    pub extra_reports: Vec<(Format, PathBuf)>,
    pub config_file: Option<PathBuf>,
    /// Credentials in this baseline are not reported.
    pub baseline: Option<PathBuf>,
    /// The owners inventory (known credentials, their owners, expiry and rotation).
    pub inventory: Option<PathBuf>,
    pub redact: bool,
    pub threads: usize,
    /// Exit status when anything is reported.
    pub exit_code: u8,
    pub respect_ignore: bool,
    pub max_file_size: u64,
    pub inline_allow: bool,
    /// Scan the printable runs of binary files with the provider rules (`--no-binary`: skip them).
    pub binary: bool,
    /// Colour in human output (the CLI decides: a terminal, and `NO_COLOR` unset).
    pub color: bool,
    /// Check credentials with their providers (network). Off by default: no connection at all.
    pub validate: bool,
    /// Per-request timeout of `--validate`.
    pub validate_timeout: Duration,
    /// `--blast-radius`: what each live credential can reach.
    pub blast_radius: bool,
    /// JSONL audit trail of validation requests (never the secret).
    pub validation_log: Option<PathBuf>,
    pub fail_on: FailOn,
    /// `--min-confidence`: findings below it are held back (counted by reason in the stats). `None`
    /// defers to the config file, then medium.
    pub min_confidence: Option<Confidence>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            mode: Mode::Files,
            paths: vec![PathBuf::from(".")],
            format: Format::Human,
            output: None,
            extra_reports: Vec::new(),
            config_file: None,
            baseline: None,
            inventory: None,
            redact: true,
            threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
            exit_code: 1,
            respect_ignore: true,
            max_file_size: 50 << 20,
            inline_allow: true,
            binary: true,
            color: false,
            validate: false,
            validate_timeout: Duration::from_secs(10),
            blast_radius: false,
            validation_log: None,
            fail_on: FailOn::Any,
            min_confidence: None,
        }
    }
}

/// The contents of a `sprawl.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFileConfig {
    #[serde(default)]
    rules: Vec<toml::Spanned<RawRule>>,
    #[serde(default)]
    disabled_rules: Vec<String>,
    #[serde(default)]
    allowlist: RawAllowlist,
    #[serde(default)]
    validation: RawValidation,
    /// `min_confidence = "low"`: the default of `--min-confidence`.
    #[serde(default)]
    min_confidence: Option<Confidence>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawValidation {
    /// Provider -> base URL (GitHub Enterprise, self-managed GitLab, a mirror, a test server).
    #[serde(default)]
    endpoints: BTreeMap<String, toml::Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAllowlist {
    #[serde(default)]
    paths: Vec<toml::Spanned<String>>,
    #[serde(default)]
    values: Vec<String>,
    #[serde(default)]
    regexes: Vec<toml::Spanned<String>>,
}

/// A loaded `sprawl.toml`. `Debug` does not print allowlisted values.
pub struct FileConfig {
    pub rules: Vec<Rule>,
    pub disabled_rules: Vec<String>,
    /// `[allowlist] paths`, gitignore patterns: files never scanned, findings never reported.
    pub exclude_paths: PathPatterns,
    /// What is never reported: sprawl's `[allowlist]` values and regexes, a gitleaks config's
    /// allowlists (top-level and per rule).
    pub allowlists: Vec<Allowlist>,
    /// Whether the built-in rules run too (always for a sprawl.toml; a gitleaks config only with
    /// `[extend] useDefault = true`, as gitleaks replaces its default rules otherwise).
    pub builtin_rules: bool,
    /// Things worth saying about the file that do not stop it from loading (a gitleaks `minVersion`
    /// newer than the syntax sprawl knows, a disabled rule that does not exist).
    pub warnings: Vec<String>,
    /// `[validation.endpoints]`: provider -> base URL, checked (`https://`, or `http://` on loopback).
    pub endpoints: BTreeMap<String, String>,
    /// `min_confidence`: findings below it are held back unless `--min-confidence` says otherwise.
    pub min_confidence: Option<Confidence>,
}

impl std::fmt::Debug for FileConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileConfig")
            .field("rules", &self.rules.len())
            .field("disabled_rules", &self.disabled_rules)
            .field("allowlists", &self.allowlists)
            .field("builtin_rules", &self.builtin_rules)
            .finish()
    }
}

impl Default for FileConfig {
    fn default() -> FileConfig {
        FileConfig {
            rules: Vec::new(),
            disabled_rules: Vec::new(),
            exclude_paths: PathPatterns::default(),
            allowlists: Vec::new(),
            builtin_rules: true,
            warnings: Vec::new(),
            endpoints: BTreeMap::new(),
            min_confidence: None,
        }
    }
}

impl FileConfig {
    /// Reads and checks a config file. Errors name the file, the line and what is wrong.
    pub fn load(path: &Path) -> Result<FileConfig, RuleError> {
        let text = rules::read_config_file(path)?;
        FileConfig::parse(&path.display().to_string(), &text)
    }

    /// True if findings at `path` are not to be reported.
    pub fn excludes(&self, path: &str) -> bool {
        self.exclude_paths.is_match(Path::new(path), false)
    }

    pub fn parse(file: &str, text: &str) -> Result<FileConfig, RuleError> {
        if let Ok(table) = text.parse::<toml::Table>() {
            if gitleaks::looks_like_gitleaks(&table) {
                return gitleaks::convert(file, text);
            }
        }
        let raw: RawFileConfig =
            toml::from_str(text).map_err(|e| rules::toml_error(file, text, &e))?;
        let at = |span: std::ops::Range<usize>, message: String| RuleError::Parse {
            file: format!("{file}:{}", rules::line_of(text, span.start)),
            message,
        };
        let rules = raw
            .rules
            .into_iter()
            .map(|s| {
                let origin = RuleOrigin {
                    file: file.to_string(),
                    line: rules::line_of(text, s.span().start),
                };
                rules::from_raw(s.into_inner(), None, origin)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let paths = &raw.allowlist.paths;
        let exclude_paths =
            PathPatterns::new(paths.iter().map(|p| p.get_ref().as_str())).map_err(|(i, e)| {
                match paths.get(i) {
                    Some(p) => at(p.span(), format!("allowlist path {:?}: {e}", p.get_ref())),
                    None => RuleError::Parse {
                        file: file.to_string(),
                        message: e,
                    },
                }
            })?;
        let regexes = raw
            .allowlist
            .regexes
            .iter()
            .map(|r| {
                regex::bytes::Regex::new(r.get_ref()).map_err(|e| {
                    at(
                        r.span(),
                        format!("allowlist regex: {}", crate::rules::regex_error(&e)),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut endpoints = BTreeMap::new();
        for (provider, url) in raw.validation.endpoints {
            check_endpoint(url.get_ref())
                .map_err(|m| at(url.span(), format!("validation.endpoints.{provider}: {m}")))?;
            endpoints.insert(provider, url.into_inner());
        }
        let values: Vec<Vec<u8>> = raw
            .allowlist
            .values
            .into_iter()
            .map(String::into_bytes)
            .collect();
        let allowlists = if values.is_empty() && regexes.is_empty() {
            Vec::new()
        } else {
            vec![Allowlist {
                values,
                regexes,
                ..Allowlist::default()
            }]
        };
        Ok(FileConfig {
            endpoints,
            min_confidence: raw.min_confidence,
            rules,
            disabled_rules: raw.disabled_rules,
            exclude_paths,
            allowlists,
            builtin_rules: true,
            warnings: Vec::new(),
        })
    }
}

/// A validation endpoint must be `https://host[:port][/prefix]`, or `http://` on a loopback address
/// (a local mirror or test server); no user info, query or fragment.
fn check_endpoint(url: &str) -> Result<(), String> {
    rules::validate::check_base_url(url)
        .map(|_| ())
        .map_err(|e| e.message().to_string())
}

/// Parses a size such as `50MiB`, `300M`, `1G`, `4096`: units are binary, so `50MB`, `50M` and `50MiB`
/// all mean 50 × 2^20 bytes, as [`crate::diag::human_bytes`] prints them.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("invalid size {s:?} (expected e.g. 50MiB, 300M, 4096)"))?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return Err(format!("invalid size unit in {s:?} (use K, M or G)")),
    };
    n.checked_mul(mult)
        .ok_or_else(|| format!("size {s:?} is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("50MiB"), Ok(50 << 20));
        assert_eq!(parse_size("300M"), Ok(300 << 20));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("50MB"), parse_size("50MiB"));
        assert_eq!(parse_size("2k"), Ok(2048));
        assert_eq!(parse_size("1G"), Ok(1 << 30));
        assert!(parse_size("12Q").is_err());
        assert!(parse_size("").is_err());
    }

    #[test]
    fn bad_allowlist_regex_names_line() {
        let err = FileConfig::parse("s.toml", "[allowlist]\nregexes = [\n  \"(unclosed\",\n]\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("s.toml:3: allowlist regex: "), "{err}");
    }

    #[test]
    fn unknown_key_is_an_error_with_line() {
        let err = FileConfig::parse("s.toml", "disabled_rule = [\"x\"]\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("s.toml:1:1: unknown field `disabled_rule`"),
            "{err}"
        );
    }

    #[test]
    fn syntax_error_does_not_echo_the_line() {
        let text = "[allowlist]\nvalues = [\"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\"\n";
        let err = FileConfig::parse("s.toml", text).unwrap_err().to_string();
        assert!(!err.contains("ghp_"), "{err}");
        assert!(err.starts_with("s.toml:3:"), "{err}");
    }

    #[test]
    fn endpoints_are_https_or_loopback_http() {
        let parse = |url: &str| {
            FileConfig::parse(
                "s.toml",
                &format!("[validation.endpoints]\ngithub = {url:?}\n"),
            )
            .map(|c| c.endpoints)
            .map_err(|e| e.to_string())
        };
        assert_eq!(
            parse("https://ghe.example.com/api/v3").unwrap()["github"],
            "https://ghe.example.com/api/v3"
        );
        assert!(parse("http://127.0.0.1:8080").is_ok());
        assert!(parse("http://[::1]:8080/x").is_ok());
        assert_eq!(
            parse("http://ghe.example.com").unwrap_err(),
            "s.toml:2: validation.endpoints.github: must be https:// (plain http:// only for a loopback address)"
        );
        assert!(parse("https://u:p@ghe.example.com").is_err());
    }

    #[test]
    fn debug_output_redacts_allowlisted_values() {
        let c =
            FileConfig::parse("s.toml", "[allowlist]\nvalues = [\"hunter2hunter2\"]\n").unwrap();
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}
