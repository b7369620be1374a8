//! Command-line definitions. The only module that knows clap: [`Cli::into_action`] turns the parsed
//! arguments into plain data ([`Action`]) and nothing below sees a clap type. Shell completions and man
//! pages are generated from these same definitions ([`generate`]), so they cannot drift from the parser.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use sprawl::bulk::github::OrgQuery;
use sprawl::bulk::{default_clone_dir, is_url, BulkOptions, RepoSource, Shard};
use sprawl::config::{parse_size, Config, FailOn, Format, Mode};
use sprawl::report::inventory::InventoryFormat;
use sprawl::rules::Confidence;

#[derive(Parser, Debug)]
#[command(
    name = "sprawl",
    version = env!("SPRAWL_LONG_VERSION"),
    about = "Find leaked machine credentials: where they are, who owns them, how far they spread"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Scan files and directories (default "."); "-" reads standard input.
    Scan(ScanArgs),
    /// List the rules or check a rule file's examples.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// One row per distinct credential: owners, sprawl, age, where it lives, validity, governance.
    /// Scans like `scan` (same target arguments), or merges saved JSON reports with --from.
    Inventory(InventoryArgs),
    /// Scan the git history of every repository of a GitHub organisation (listed through the REST API,
    /// token from GITHUB_TOKEN), like `scan --git --repos` with the organisation's clone URLs.
    GithubOrg(GithubOrgArgs),
    /// Install or remove a git pre-commit hook that runs `sprawl scan --staged`.
    Hook {
        #[command(subcommand)]
        command: HookCommand,
    },
    /// Revoke credentials of a saved JSON report through their providers' revocation APIs: a dry run
    /// that prints every request unless --yes. Providers without an API get the way to revoke by hand.
    Revoke(RevokeArgs),
    /// Accept the credentials found now, so that later scans report only new ones.
    Baseline {
        #[command(subcommand)]
        command: BaselineCommand,
    },
    /// Print a shell completion script: `source <(sprawl completions bash)`, or install it where your
    /// shell loads completions from (release archives carry all four in completions/).
    Completions {
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print the man page sprawl(1) (roff), or write it and one page per subcommand into --dir.
    Man {
        /// Write sprawl.1, sprawl-scan.1, … into this directory instead.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// The shells `sprawl completions` writes for.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

/// Text generated from the command-line definitions.
#[derive(Debug, PartialEq, Eq)]
pub enum Generated {
    Completions(Shell),
    /// sprawl(1) on standard output, or every page into a directory.
    Man(Option<PathBuf>),
}

/// Writes completions or the man page to `out` (or, for `Man(Some(dir))`, the pages into `dir`).
pub fn generate(what: &Generated, out: &mut dyn Write) -> io::Result<()> {
    use clap_complete::Shell as S;
    let mut cmd = Cli::command();
    match what {
        Generated::Completions(shell) => {
            let shell = match shell {
                Shell::Bash => S::Bash,
                Shell::Zsh => S::Zsh,
                Shell::Fish => S::Fish,
                Shell::Powershell => S::PowerShell,
                Shell::Elvish => S::Elvish,
            };
            clap_complete::generate(shell, &mut cmd, "sprawl", out);
            Ok(())
        }
        Generated::Man(None) => clap_mangen::Man::new(cmd).render(out),
        // sprawl.1 and, recursively, sprawl-SUB.1 for every visible subcommand.
        Generated::Man(Some(dir)) => {
            std::fs::create_dir_all(dir)?;
            clap_mangen::generate_to(cmd, dir)
        }
    }
}

#[derive(Subcommand, Debug)]
enum HookCommand {
    /// Write .git/hooks/pre-commit (or into core.hooksPath); refuses to replace another hook without --force.
    Install {
        /// The repository (default: the one containing the current directory).
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Replace an existing hook not written by sprawl (kept as pre-commit.before-sprawl).
        #[arg(long)]
        force: bool,
    },
    /// Remove the hook sprawl installed (restoring the one it replaced, if any).
    Uninstall {
        #[arg(default_value = ".")]
        path: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
enum BaselineCommand {
    /// Write a baseline of the credentials a scan finds now (same target arguments as `scan`).
    Create {
        /// The baseline file to write (entries already in it keep their date and reason).
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
        /// Why these credentials are accepted (recorded with each new entry).
        #[arg(long)]
        reason: Option<String>,
        /// Take the credentials from a saved JSON report instead of scanning.
        #[arg(long, value_name = "REPORT")]
        from: Option<PathBuf>,
        #[command(flatten)]
        target: TargetArgs,
    },
    /// Accept what another scanner accepted: read a gitleaks JSON report, a .gitleaksignore or a
    /// detect-secrets .secrets.baseline, scan (same target arguments as `scan`), and write the
    /// credentials found at the places they name; those nothing matches are listed.
    Import {
        /// The baseline file to write (entries already in it are kept, with their date and reason).
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
        /// The other scanner's file (repeatable); its format is told by its content.
        #[arg(long, value_name = "FILE", required = true)]
        from: Vec<PathBuf>,
        /// Why these credentials are accepted (default: where they were imported from).
        #[arg(long)]
        reason: Option<String>,
        #[command(flatten)]
        target: TargetArgs,
    },
    /// Drop baseline entries whose credential a scan no longer finds.
    Prune {
        /// The baseline file to prune in place.
        file: PathBuf,
        #[command(flatten)]
        target: TargetArgs,
    },
}

#[derive(Subcommand, Debug)]
enum RulesCommand {
    /// List built-in rules (and custom ones from --config).
    List {
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
        /// sprawl.toml with custom rules to include.
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Run every example and negative example of the rules in FILE(s) through the engine.
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum ListFormat {
    Human,
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum InventoryFormatArg {
    Human,
    Json,
    Csv,
    Markdown,
    /// The governance view as one self-contained HTML page (always grouped by owner).
    Html,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum GroupArg {
    Owner,
}

#[derive(Args, Debug)]
struct InventoryArgs {
    #[command(flatten)]
    target: TargetArgs,
    /// Merge saved JSON reports (files, or directories of *.json) instead of scanning; the same
    /// credential in several reports (repositories) is one row.
    #[arg(long, value_name = "REPORT", num_args = 1.., conflicts_with_all = ["paths", "git", "staged"])]
    from: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = InventoryFormatArg::Human)]
    format: InventoryFormatArg,
    /// Write the inventory to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// The governance view: per owner (live first, by severity), each credential with its locations,
    /// age, what it can reach and how to revoke it.
    #[arg(long, value_enum, value_name = "GROUP")]
    by: Option<GroupArg>,
}

#[derive(Args, Debug)]
struct RevokeArgs {
    /// The JSON report (`sprawl scan --format json`); rewritten with `revoked` statuses after --yes.
    #[arg(long, value_name = "REPORT")]
    from: PathBuf,
    /// Only this credential (its fingerprint, or a prefix of at least 8 characters); repeatable.
    #[arg(long = "fingerprint", value_name = "FINGERPRINT")]
    fingerprints: Vec<String>,
    /// Only credentials of this owner (`@team`).
    #[arg(long, value_name = "OWNER")]
    owner: Option<String>,
    /// Only credentials the report says are live (`scan --validate`).
    #[arg(long)]
    only_live: bool,
    /// With --yes and no other filter: revoke every credential of the report.
    #[arg(long)]
    all: bool,
    /// Send the revocation requests (without it, nothing is sent).
    #[arg(long)]
    yes: bool,
    /// The directory (or repository) that was scanned, where a redacted report's secrets are read
    /// again.
    #[arg(long, value_name = "DIR", default_value = ".")]
    root: PathBuf,
    /// Config file: custom rules and `[validation.endpoints]`.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Per-request timeout (e.g. 10s, 500ms).
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    timeout: std::time::Duration,
    /// JSONL audit trail of revocation requests (time, rule, host, fingerprint, outcome).
    #[arg(long, value_name = "FILE")]
    audit_log: Option<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum FormatArg {
    Human,
    Json,
    Jsonl,
    Sarif,
    Csv,
    Github,
}

impl FormatArg {
    fn to_format(self) -> Format {
        match self {
            FormatArg::Human => Format::Human,
            FormatArg::Json => Format::Json,
            FormatArg::Jsonl => Format::Jsonl,
            FormatArg::Sarif => Format::Sarif,
            FormatArg::Csv => Format::Csv,
            FormatArg::Github => Format::Github,
        }
    }
}

/// `FORMAT=FILE` for `--report`.
fn parse_report(s: &str) -> Result<(FormatArg, PathBuf), String> {
    let (format, file) = s
        .split_once('=')
        .filter(|(_, f)| !f.is_empty())
        .ok_or_else(|| format!("expected FORMAT=FILE (e.g. sarif=results.sarif), got {s:?}"))?;
    let format = FormatArg::from_str(format, true).map_err(|_| {
        format!("unknown report format {format:?} (human, json, jsonl, sarif, csv, github)")
    })?;
    Ok((format, PathBuf::from(file)))
}

/// What to scan and how (shared by `scan` and `baseline`).
#[derive(Args, Debug)]
struct TargetArgs {
    /// Files or directories to scan; "-" for standard input. With --git or --staged: the repository.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Scan the whole git history of the repository at PATH (every blob of every ref, once).
    #[arg(long, conflicts_with = "staged")]
    git: bool,
    /// With --git: only what the commits of A..B introduce (a pull request).
    #[arg(long, value_name = "A..B", requires = "git", value_parser = parse_range)]
    range: Option<(String, String)>,
    /// Scan only what is staged for the next commit (pre-commit).
    #[arg(long)]
    staged: bool,
    #[command(flatten)]
    options: ScanOptionArgs,
}

/// How to scan (shared by every command that scans).
#[derive(Args, Debug)]
struct ScanOptionArgs {
    /// sprawl.toml: custom rules, disabled rules, allowlists.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Owners inventory (TOML, or YAML for .yaml/.yml): known credentials with owner, purpose, expiry and rotation period.
    #[arg(long, value_name = "FILE")]
    inventory: Option<PathBuf>,
    /// Worker threads (default: number of CPUs).
    #[arg(short = 'j', long, value_name = "N")]
    threads: Option<usize>,
    /// Do not honour .gitignore / .ignore files.
    #[arg(long)]
    no_ignore: bool,
    /// Skip files larger than this (e.g. 50MiB, 1G).
    #[arg(long, value_name = "SIZE", default_value = "50MiB", value_parser = parse_size)]
    max_file_size: u64,
    /// Ignore `sprawl:allow` comments, and gitleaks' and detect-secrets' markers (for audits).
    #[arg(long)]
    no_inline_allow: bool,
    /// Skip binary files instead of scanning their printable runs with the provider rules.
    #[arg(long)]
    no_binary: bool,
}

#[derive(Args, Debug)]
struct ScanArgs {
    #[command(flatten)]
    target: TargetArgs,
    /// With --git: scan every repository listed in FILE (one local path or clone URL per line; blank
    /// lines and # comments ignored), in addition to the PATHs given.
    #[arg(long, value_name = "FILE", requires = "git")]
    repos: Option<PathBuf>,
    #[command(flatten)]
    report: ReportArgs,
    #[command(flatten)]
    bulk: BulkArgs,
}

/// How to report (shared by `scan` and `github-org`).
#[derive(Args, Debug)]
struct ReportArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    format: FormatArg,
    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Also write the same scan's report in FORMAT to FILE (repeatable), e.g. `--report sarif=out.sarif`.
    #[arg(long, value_name = "FORMAT=FILE", value_parser = parse_report)]
    report: Vec<(FormatArg, PathBuf)>,
    /// Do not report credentials whose fingerprint is in this baseline file.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Print full secret values (default: redacted everywhere).
    #[arg(long)]
    no_redact: bool,
    /// Exit status when anything is reported.
    #[arg(long, value_name = "N", default_value_t = 1)]
    exit_code: u8,
    /// Check each distinct credential with its provider (sends it over HTTPS; off by default).
    #[arg(long)]
    validate: bool,
    /// Per-request timeout of --validate (e.g. 10s, 500ms).
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    validate_timeout: std::time::Duration,
    /// JSONL audit trail of validation requests (time, rule, host, fingerprint, outcome).
    #[arg(long, value_name = "FILE", requires = "validate")]
    validation_log: Option<PathBuf>,
    /// For each live credential, ask its provider (read-only requests) what it can reach: identity,
    /// organisations, repositories, policies, scopes; gives each credential a severity.
    #[arg(long, requires = "validate")]
    blast_radius: bool,
    /// What makes the exit status non-zero: anything reported, only live credentials, or nothing.
    #[arg(long, value_enum, default_value_t = FailOnArg::Any, requires_if("live", "validate"))]
    fail_on: FailOnArg,
    /// Report findings of at least this confidence (default medium, or `min_confidence` in the config
    /// file); `low` also shows what is held back (failed checksums, expired JWTs, test fixtures, masked, truncated,
    /// references, names, documented examples, publishable keys).
    #[arg(long, value_enum, value_name = "LEVEL")]
    min_confidence: Option<ConfidenceArg>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum ConfidenceArg {
    High,
    Medium,
    Low,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum FailOnArg {
    Any,
    Live,
    None,
}

/// Scans of many repositories (`scan --git` with several repositories, and `github-org`).
#[derive(Args, Debug)]
struct BulkArgs {
    /// Repositories scanned at the same time (default: half the threads, at least 1); each gets
    /// threads / N worker threads.
    #[arg(long, value_name = "N")]
    repo_jobs: Option<usize>,
    /// Where clone URLs are mirrored (bare, reused and fetched on the next run).
    /// Default: $XDG_CACHE_HOME/sprawl/clones, else ~/.cache/sprawl/clones.
    #[arg(long, value_name = "DIR")]
    clone_dir: Option<PathBuf>,
    /// Write one JSON report per repository into DIR, skipping repositories whose report is already
    /// there (resume after a crash); merge them with `sprawl inventory --from DIR`.
    #[arg(long, value_name = "DIR")]
    output_dir: Option<PathBuf>,
    /// Scan only the K-th of N slices of the repository list (K is 1-based: a 0-based job index + 1),
    /// chosen by a stable hash of each repository's name, so N machines split the work.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    shard: Option<Shard>,
}

#[derive(Args, Debug)]
struct GithubOrgArgs {
    /// The organisation's login (as in https://github.com/ORG).
    org: String,
    /// Also scan archived repositories.
    #[arg(long)]
    include_archived: bool,
    /// Also scan forks.
    #[arg(long)]
    include_forks: bool,
    /// GitHub API base URL; GitHub Enterprise Server: https://HOST/api/v3. Default: the `github` entry
    /// of `[validation.endpoints]` in --config, else https://api.github.com.
    #[arg(long, value_name = "URL")]
    api_url: Option<String>,
    #[command(flatten)]
    options: ScanOptionArgs,
    #[command(flatten)]
    report: ReportArgs,
    #[command(flatten)]
    bulk: BulkArgs,
}

/// What the user asked for, as plain data.
pub enum Action {
    Scan(Config),
    /// Many repositories' histories (`scan --git` with several, or `github-org`).
    Bulk {
        config: Config,
        source: RepoSource,
        options: BulkOptions,
    },
    RulesList {
        json: bool,
        config: Option<PathBuf>,
    },
    RulesCheck(Vec<PathBuf>),
    HookInstall {
        path: PathBuf,
        force: bool,
    },
    HookUninstall(PathBuf),
    Inventory {
        config: Config,
        from: Vec<PathBuf>,
        format: InventoryFormat,
        by_owner: bool,
        output: Option<PathBuf>,
    },
    Revoke {
        options: sprawl::revoke::Options,
        config: Option<PathBuf>,
        /// --all was given (needed for --yes without a filter).
        all: bool,
    },
    BaselineCreate {
        config: Config,
        output: PathBuf,
        reason: Option<String>,
        from: Option<PathBuf>,
    },
    BaselinePrune {
        config: Config,
        file: PathBuf,
    },
    BaselineImport {
        config: Config,
        output: PathBuf,
        from: Vec<PathBuf>,
        reason: Option<String>,
    },
    Generate(Generated),
}

impl Cli {
    pub fn into_action(self) -> Action {
        match self.command {
            Command::Scan(a) => scan_action(a),
            Command::GithubOrg(a) => github_org_action(a),
            Command::Hook {
                command: HookCommand::Install { path, force },
            } => Action::HookInstall { path, force },
            Command::Hook {
                command: HookCommand::Uninstall { path },
            } => Action::HookUninstall(path),
            Command::Inventory(a) => inventory_action(a),
            Command::Rules {
                command: RulesCommand::List { format, config },
            } => Action::RulesList {
                json: matches!(format, ListFormat::Json),
                config,
            },
            Command::Rules {
                command: RulesCommand::Check { files },
            } => Action::RulesCheck(files),
            Command::Baseline { command } => baseline_action(command),
            Command::Revoke(a) => revoke_action(a),
            Command::Completions { shell } => Action::Generate(Generated::Completions(shell)),
            Command::Man { dir } => Action::Generate(Generated::Man(dir)),
        }
    }
}

/// A bulk scan of a GitHub organisation's repositories (their full history).
fn github_org_action(a: GithubOrgArgs) -> Action {
    let query = OrgQuery {
        org: a.org,
        // Empty: resolved from the config's endpoints (or the public API) when run.
        api_url: a.api_url.unwrap_or_default(),
        include_archived: a.include_archived,
        include_forks: a.include_forks,
    };
    let config = Config {
        mode: Mode::History { range: None },
        paths: Vec::new(),
        ..report_config(a.report, options_config(a.options, Config::default()))
    };
    Action::Bulk {
        options: bulk_options(a.bulk, config.threads),
        config,
        source: RepoSource::GithubOrg(query),
    }
}

/// An inventory of saved reports, in the format asked for.
fn inventory_action(a: InventoryArgs) -> Action {
    Action::Inventory {
        config: target_config(a.target),
        from: a.from,
        format: match a.format {
            InventoryFormatArg::Human => InventoryFormat::Human,
            InventoryFormatArg::Json => InventoryFormat::Json,
            InventoryFormatArg::Csv => InventoryFormat::Csv,
            InventoryFormatArg::Markdown => InventoryFormat::Markdown,
            InventoryFormatArg::Html => InventoryFormat::Html,
        },
        by_owner: matches!(a.by, Some(GroupArg::Owner)),
        output: a.output,
    }
}

/// Creating, importing into or pruning a baseline.
fn baseline_action(command: BaselineCommand) -> Action {
    match command {
        BaselineCommand::Create {
            output,
            reason,
            from,
            target,
        } => Action::BaselineCreate {
            config: target_config(target),
            output,
            reason,
            from,
        },
        BaselineCommand::Import {
            output,
            from,
            reason,
            target,
        } => Action::BaselineImport {
            config: target_config(target),
            output,
            from,
            reason,
        },
        BaselineCommand::Prune { file, target } => Action::BaselinePrune {
            config: target_config(target),
            file,
        },
    }
}

/// Revoking the credentials of a saved report.
fn revoke_action(a: RevokeArgs) -> Action {
    Action::Revoke {
        options: sprawl::revoke::Options {
            report: a.from,
            fingerprints: a.fingerprints,
            owner: a.owner,
            only_live: a.only_live,
            yes: a.yes,
            root: a.root,
            timeout: a.timeout,
            audit_log: a.audit_log,
        },
        config: a.config,
        all: a.all,
    }
}

/// A scan, or a bulk scan when `--git` names several repositories or a clone URL (or a bulk option).
fn scan_action(a: ScanArgs) -> Action {
    let bulk = a.repos.is_some()
        || (a.target.git && a.target.paths.len() > 1)
        || (a.target.git && a.target.paths.iter().any(|p| is_url(&p.to_string_lossy())))
        || a.bulk.output_dir.is_some()
        || a.bulk.shard.is_some();
    let repos = a.repos;
    let bulk_args = a.bulk;
    let config = report_config(a.report, target_config(a.target));
    if !bulk {
        return Action::Scan(config);
    }
    // With --repos and no PATH, the default "." is not a repository to scan.
    let paths = if repos.is_some() && config.paths == [PathBuf::from(".")] {
        Vec::new()
    } else {
        config.paths.clone()
    };
    Action::Bulk {
        options: bulk_options(bulk_args, config.threads),
        source: RepoSource::List { file: repos, paths },
        config,
    }
}

fn bulk_options(b: BulkArgs, threads: usize) -> BulkOptions {
    BulkOptions {
        repo_jobs: b
            .repo_jobs
            .filter(|&n| n > 0)
            .unwrap_or((threads / 2).max(1)),
        clone_dir: b.clone_dir.unwrap_or_else(default_clone_dir),
        output_dir: b.output_dir,
        shard: b.shard,
        progress: std::io::stderr().is_terminal(),
        clone_auth: None,
    }
}

fn report_config(a: ReportArgs, base: Config) -> Config {
    let to_terminal = a.output.is_none() && std::io::stdout().is_terminal();
    Config {
        format: a.format.to_format(),
        output: a.output,
        extra_reports: a
            .report
            .into_iter()
            .map(|(f, p)| (f.to_format(), p))
            .collect(),
        baseline: a.baseline,
        redact: !a.no_redact,
        exit_code: a.exit_code,
        validate: a.validate,
        validate_timeout: a.validate_timeout,
        validation_log: a.validation_log,
        blast_radius: a.blast_radius,
        fail_on: match a.fail_on {
            FailOnArg::Any => FailOn::Any,
            FailOnArg::Live => FailOn::Live,
            FailOnArg::None => FailOn::None,
        },
        color: to_terminal && std::env::var_os("NO_COLOR").is_none(),
        min_confidence: a.min_confidence.map(|c| match c {
            ConfidenceArg::High => Confidence::High,
            ConfidenceArg::Medium => Confidence::Medium,
            ConfidenceArg::Low => Confidence::Low,
        }),
        ..base
    }
}

fn target_config(t: TargetArgs) -> Config {
    let defaults = Config::default();
    let mode = if t.staged {
        Mode::Staged
    } else if t.git {
        Mode::History { range: t.range }
    } else {
        Mode::Files
    };
    let base = Config {
        mode,
        paths: t.paths,
        ..defaults
    };
    options_config(t.options, base)
}

fn options_config(o: ScanOptionArgs, base: Config) -> Config {
    Config {
        config_file: o.config,
        inventory: o.inventory,
        threads: o.threads.filter(|&n| n > 0).unwrap_or(base.threads),
        respect_ignore: !o.no_ignore,
        max_file_size: o.max_file_size,
        inline_allow: !o.no_inline_allow,
        binary: !o.no_binary,
        ..base
    }
}

/// `10s`, `500ms`, `2` (seconds) -> a duration; zero is refused.
fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let t = s.trim();
    let (num, ms) = match t.strip_suffix("ms") {
        Some(n) => (n, true),
        None => (t.strip_suffix('s').unwrap_or(t), false),
    };
    match num.trim().parse::<u64>() {
        Ok(n) if n > 0 && ms => Ok(std::time::Duration::from_millis(n)),
        Ok(n) if n > 0 => Ok(std::time::Duration::from_secs(n)),
        _ => Err(format!(
            "expected a duration such as 10s or 500ms, got {s:?}"
        )),
    }
}

/// `K/N` -> a shard (clap reports the message and exits with status 2).
fn parse_shard(s: &str) -> Result<Shard, String> {
    s.parse()
}

/// `A..B` -> (A, B).
fn parse_range(s: &str) -> Result<(String, String), String> {
    match s.split_once("..") {
        Some((a, b)) if !a.is_empty() && !b.is_empty() && !b.starts_with('.') => {
            Ok((a.to_string(), b.to_string()))
        }
        _ => Err(format!("expected A..B (two commits or refs), got {s:?}")),
    }
}
