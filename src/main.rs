//! The `sprawl` binary: parse arguments, run, map the outcome to an exit status.

mod cli;

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use sprawl::baseline::{self, Baseline};
use sprawl::bulk::clone::HostAuth;
use sprawl::bulk::{self, github, BulkOptions, RepoSource};
use sprawl::check::check_rules;
use sprawl::config::{Config, FailOn, FileConfig, Format, Mode};
use sprawl::diag;
use sprawl::finding::{Fingerprint, Liveness};
use sprawl::report::inventory::InventoryFormat;
use sprawl::report::{self, RenderOptions};
use sprawl::rules::{self, Confidence};
use sprawl::scan;

/// Process exit status.
enum Exit {
    /// Nothing reported.
    Clean,
    /// Something reported (status chosen by `--exit-code`, default 1).
    Found(u8),
    /// Bad arguments, bad config, missing input.
    Error,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        match e {
            Exit::Clean => ExitCode::SUCCESS,
            Exit::Found(n) => ExitCode::from(n),
            Exit::Error => ExitCode::from(2),
        }
    }
}

fn main() -> ExitCode {
    diag::install_panic_hook();
    let action = cli::Cli::parse().into_action();
    if let cli::Action::Scan(c) | cli::Action::Bulk { config: c, .. } = &action {
        diag::set_github_annotations(c.format == Format::Github);
    }
    // A panic (a bug, reported by the hook) is an error exit, not a crash.
    match std::panic::catch_unwind(move || dispatch(action)) {
        Ok(Ok(e)) => e.into(),
        Ok(Err(e)) => {
            // The message may quote a config value or a server's answer: mask what looks like a secret.
            diag::error(&scan::mask_detected_secrets(&format!("{e:#}")));
            Exit::Error.into()
        }
        Err(_) => Exit::Error.into(),
    }
}

fn dispatch(action: cli::Action) -> anyhow::Result<Exit> {
    match action {
        cli::Action::Scan(config) => run_scan(&config),
        cli::Action::Bulk {
            config,
            source,
            options,
        } => run_bulk(&config, &source, options),
        cli::Action::RulesList { json, config } => rules_list(json, config),
        cli::Action::RulesCheck(files) => rules_check(&files),
        cli::Action::HookInstall { path, force } => hook_install(&path, force),
        cli::Action::HookUninstall(path) => hook_uninstall(&path),
        cli::Action::Inventory {
            config,
            from,
            format,
            by_owner,
            output,
        } => inventory(&config, &from, format, by_owner, output.as_ref()),
        cli::Action::BaselineCreate {
            config,
            output,
            reason,
            from,
        } => baseline_create(&config, &output, reason.as_deref(), from.as_deref()),
        cli::Action::BaselinePrune { config, file } => baseline_prune(&config, &file),
        cli::Action::Revoke {
            options,
            config,
            all,
        } => revoke(&options, config.as_deref(), all),
        cli::Action::BaselineImport {
            config,
            output,
            from,
            reason,
        } => baseline_import(&config, &output, &from, reason.as_deref()),
        cli::Action::Generate(what) => generate(&what),
    }
}

/// `sprawl revoke`: one line per selected credential (what would be sent, revoked, by hand, or why
/// not); errors for the failures; exit 1 when any failed.
fn revoke(
    options: &sprawl::revoke::Options,
    config: Option<&Path>,
    all: bool,
) -> anyhow::Result<Exit> {
    use sprawl::revoke::Outcome;
    let filtered = !options.fingerprints.is_empty() || options.owner.is_some() || options.only_live;
    if options.yes && !filtered && !all {
        anyhow::bail!(
            "--yes without --fingerprint, --owner or --only-live revokes every credential of the report: add --all to confirm"
        );
    }
    let file_config = match config {
        Some(p) => FileConfig::load(p)?,
        None => FileConfig::default(),
    };
    let engine = scan::build_engine(&file_config, &Config::default())?;
    let specs = scan::validate_specs(&file_config)?;
    let done = sprawl::revoke::run(options, &engine, &specs, &file_config)?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut failed = 0;
    for d in &done {
        let who = format!(
            "{} {}",
            d.rule_id,
            &d.fingerprint[..d.fingerprint.len().min(12)]
        );
        match &d.outcome {
            Outcome::WouldSend(requests) => {
                writeln!(out, "would revoke {who}:")?;
                for r in requests {
                    writeln!(out, "    {}", diag::escape_control(r))?;
                }
            }
            Outcome::Revoked => writeln!(out, "revoked {who}")?,
            Outcome::ByHand(how) => writeln!(
                out,
                "{who}: no revocation API; by hand: {}",
                diag::escape_control(how)
            )?,
            Outcome::Failed(why) => {
                failed += 1;
                diag::error(&format!("{who}: not revoked: {why}"));
            }
        }
    }
    if done.is_empty() {
        writeln!(out, "no credential of the report matches")?;
    } else if !options.yes
        && done
            .iter()
            .any(|d| matches!(d.outcome, Outcome::WouldSend(_)))
    {
        writeln!(
            out,
            "dry run: nothing was sent; add --yes to send these requests"
        )?;
    }
    out.flush()?;
    Ok(if failed > 0 {
        Exit::Found(1)
    } else {
        Exit::Clean
    })
}

/// Completions or man pages, generated from the clap definitions.
fn generate(what: &cli::Generated) -> anyhow::Result<Exit> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    cli::generate(what, &mut out)?;
    out.flush()?;
    Ok(Exit::Clean)
}

fn run_scan(config: &Config) -> anyhow::Result<Exit> {
    let result = scan::run(config)?;
    if let Some(c) = &result.config_loaded {
        diag::note(&format!("using config {c}"));
    }
    for e in result.notices.iter().chain(&result.errors) {
        diag::warn(&e.path, &e.message);
    }
    let opts = RenderOptions {
        redact: config.redact,
        color: config.color,
        staged: config.mode == Mode::Staged,
    };
    write_output(config.output.as_ref(), |out| {
        report::write(&result, config.format, opts, out)
    })?;
    for (format, path) in &config.extra_reports {
        let plain = RenderOptions {
            color: false,
            ..opts
        };
        write_output(Some(path), |out| {
            report::write(&result, *format, plain, out)
        })?;
    }
    let failing = match config.fail_on {
        FailOn::Any => !result.findings.is_empty(),
        FailOn::Live => result
            .credentials
            .iter()
            .any(|c| matches!(c.validity.live, Liveness::Live { .. })),
        FailOn::None => false,
    };
    Ok(if failing {
        Exit::Found(config.exit_code)
    } else {
        Exit::Clean
    })
}

/// Many repositories: list them, scan each (in parallel), write one report per repository or one in all.
/// Exit status: something found -> `--exit-code`; otherwise a repository that failed -> 2.
fn run_bulk(
    config: &Config,
    source: &RepoSource,
    mut options: BulkOptions,
) -> anyhow::Result<Exit> {
    if !matches!(config.mode, Mode::History { .. }) {
        anyhow::bail!("several repositories, --repos, --output-dir and --shard need --git");
    }
    // `github-org` without --api-url: the config's `[validation.endpoints] github` (GitHub Enterprise
    // Server), else the public API.
    let resolved;
    let source = match source {
        RepoSource::GithubOrg(q) if q.api_url.is_empty() => {
            let endpoints = match &config.config_file {
                Some(p) => FileConfig::load(p)?.endpoints,
                None => Default::default(),
            };
            let mut q = q.clone();
            q.api_url = endpoints
                .get("github")
                .cloned()
                .unwrap_or_else(|| github::DEFAULT_API.to_string());
            resolved = RepoSource::GithubOrg(q);
            &resolved
        }
        other => other,
    };
    if options.output_dir.is_some() && (config.output.is_some() || !config.extra_reports.is_empty())
    {
        anyhow::bail!(
            "--output-dir writes one report per repository: -o/--output and --report do not apply"
        );
    }
    let token = std::env::var("GITHUB_TOKEN").ok().filter(|t| !t.is_empty());
    if let (RepoSource::GithubOrg(query), Some(t)) = (source, &token) {
        // The organisation's private repositories are cloned with the same token, sent only to the
        // organisation's own web host.
        options.clone_auth = Some(HostAuth {
            origin: github::web_origin(&query.api_url),
            header: github::basic_auth_header(t),
        });
    }
    let targets = bulk::targets(source, token.as_deref())?;
    let outcome = bulk::run(config, targets, &options)?;
    if let Some(c) = &config.config_file {
        diag::note(&format!("using config {}", c.display()));
    }
    match &outcome.combined {
        Some(result) => {
            let opts = RenderOptions {
                redact: config.redact,
                color: config.color,
                staged: false,
            };
            write_output(config.output.as_ref(), |out| {
                report::write(result, config.format, opts, out)
            })?;
            for (format, path) in &config.extra_reports {
                let plain = RenderOptions {
                    color: false,
                    ..opts
                };
                write_output(Some(path), |out| report::write(result, *format, plain, out))?;
            }
        }
        None => diag::note(&format!(
            "{} repositor{} scanned, {} failed, {} skipped; {} finding{}; reports in {}",
            outcome.scanned,
            if outcome.scanned == 1 { "y" } else { "ies" },
            outcome.failed,
            outcome.skipped,
            outcome.findings,
            if outcome.findings == 1 { "" } else { "s" },
            options
                .output_dir
                .as_deref()
                .unwrap_or(Path::new("."))
                .display()
        )),
    }
    // The same rule as a single scan: `--fail-on` decides whether findings fail the run.
    let failing = match config.fail_on {
        FailOn::Any => outcome.findings > 0,
        FailOn::Live => outcome.live > 0,
        FailOn::None => false,
    };
    Ok(if failing {
        Exit::Found(config.exit_code)
    } else if outcome.failed > 0 {
        Exit::Error
    } else {
        Exit::Clean
    })
}

fn write_output(
    path: Option<&PathBuf>,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> anyhow::Result<()> {
    match path {
        Some(p) => {
            let file = File::create(p)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", p.display()))?;
            let mut w = BufWriter::new(file);
            render(&mut w)?;
            w.flush()?;
        }
        None => {
            let stdout = io::stdout();
            let mut w = BufWriter::new(stdout.lock());
            match render(&mut w).and_then(|_| w.flush()) {
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
                other => other?,
            }
        }
    }
    Ok(())
}

fn hook_install(path: &Path, force: bool) -> anyhow::Result<Exit> {
    use sprawl::hook::Installed;
    let exe = std::env::current_exe()?;
    let exe = std::fs::canonicalize(&exe).unwrap_or(exe);
    match sprawl::hook::install(path, &exe, force)? {
        Installed::New(h) => diag::note(&format!("installed {}", h.display())),
        Installed::Updated(h) => diag::note(&format!("updated {}", h.display())),
        Installed::Replaced(h, old) => diag::note(&format!(
            "installed {} (the previous hook is kept as {})",
            h.display(),
            old.display()
        )),
    }
    Ok(Exit::Clean)
}

fn hook_uninstall(path: &Path) -> anyhow::Result<Exit> {
    use sprawl::hook::Uninstalled;
    match sprawl::hook::uninstall(path)? {
        Uninstalled::Removed(h) => diag::note(&format!("removed {}", h.display())),
        Uninstalled::Restored(h) => diag::note(&format!(
            "removed the sprawl hook; restored the previous {}",
            h.display()
        )),
        Uninstalled::NotInstalled(h) => diag::note(&format!("no hook at {}", h.display())),
    }
    Ok(Exit::Clean)
}

/// `sprawl inventory`: scan (or read saved reports), merge by credential, print one row each.
fn inventory(
    config: &Config,
    from: &[PathBuf],
    format: InventoryFormat,
    by_owner: bool,
    output: Option<&PathBuf>,
) -> anyhow::Result<Exit> {
    let mut inv = report::inventory::Inventory::default();
    if from.is_empty() {
        let result = scan::run(&every_finding(config))?;
        for e in &result.errors {
            diag::warn(&e.path, &e.message);
        }
        let mut json = Vec::new();
        let opts = RenderOptions {
            redact: true,
            color: false,
            staged: false,
        };
        report::json::write(&result, opts, &mut json)?;
        inv.add_json("<scan>", &String::from_utf8_lossy(&json))?;
    } else {
        let mut reports = 0;
        for p in from {
            reports += inv.add_path(p)?;
        }
        diag::note(&format!(
            "merged {reports} report{}",
            if reports == 1 { "" } else { "s" }
        ));
    }
    let rows = inv.rows(sprawl::clock::now_unix());
    write_output(output, |out| {
        report::inventory::write(&rows, format, by_owner, out)
    })?;
    Ok(Exit::Clean)
}

fn rules_list(json: bool, config: Option<PathBuf>) -> anyhow::Result<Exit> {
    let file_config = match &config {
        Some(p) => FileConfig::load(p)?,
        None => FileConfig::default(),
    };
    let engine = scan::build_engine(&file_config, &Config::default())?;
    let mut out = io::stdout().lock();
    if json {
        let list: Vec<_> = engine
            .rules()
            .map(|r| {
                serde_json::json!({
                    "id": r.meta.id, "name": r.meta.name, "provider": r.meta.provider,
                    "confidence": r.meta.confidence.as_str(), "keywords": r.keywords,
                    "revoke": r.meta.revoke.as_ref().map(|v| serde_json::json!({"page": v.page, "cli": v.cli})),
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &list)?;
        writeln!(out)?;
    } else {
        for r in engine.rules() {
            writeln!(
                out,
                "{:<40} {:<16} {:<7} {}",
                r.meta.id,
                r.meta.provider,
                r.meta.confidence.as_str(),
                r.meta.name
            )?;
        }
        let providers: std::collections::BTreeSet<_> =
            engine.rules().map(|r| r.meta.provider.as_str()).collect();
        writeln!(
            out,
            "{} rules, {} providers",
            engine.rules().len(),
            providers.len()
        )?;
    }
    Ok(Exit::Clean)
}

fn rules_check(files: &[PathBuf]) -> anyhow::Result<Exit> {
    let mut total = 0;
    let mut failed = 0;
    for file in files {
        let text = rules::read_config_file(file)?;
        let name = file.display().to_string();
        let rules = rules::parse_rule_file(&name, &text)?;
        rules::check_unique_ids(&rules)?;
        total += rules.len();
        for failure in check_rules(rules) {
            failed += 1;
            println!("FAIL {failure}");
        }
    }
    println!("{total} rules checked, {failed} failures");
    Ok(if failed == 0 {
        Exit::Clean
    } else {
        Exit::Found(1)
    })
}

/// `config` with nothing held back: baselines and inventories cover every finding, whatever
/// `--min-confidence` the report uses.
fn every_finding(config: &Config) -> Config {
    Config {
        min_confidence: Some(Confidence::Low),
        ..config.clone()
    }
}

/// A scan with nothing held back (for baselines), its warnings printed.
fn scan_everything(config: &Config) -> anyhow::Result<scan::ScanResult> {
    let result = scan::run(&every_finding(config))?;
    for e in &result.errors {
        diag::warn(&e.path, &e.message);
    }
    Ok(result)
}

/// The (fingerprint, rule id) of every credential a scan finds now, held-back ones included.
fn current_credentials(config: &Config) -> anyhow::Result<Vec<(Fingerprint, String)>> {
    Ok(scan_everything(config)?
        .credentials
        .into_iter()
        .map(|c| (c.fingerprint, c.rule.id.clone()))
        .collect())
}

fn baseline_create(
    config: &Config,
    output: &Path,
    reason: Option<&str>,
    from: Option<&Path>,
) -> anyhow::Result<Exit> {
    let current: Vec<(Fingerprint, String)> = match from {
        Some(report) => Baseline::load(report)?
            .entries
            .into_values()
            .map(|e| (e.fingerprint, e.rule_id))
            .collect(),
        None => current_credentials(config)?,
    };
    write_baseline(output, current, reason, false)
}

/// Writes the baseline of `current` to `output`, keeping what an existing file there holds (its dates
/// and reasons; with `keep_all`, its other entries too).
fn write_baseline(
    output: &Path,
    current: Vec<(Fingerprint, String)>,
    reason: Option<&str>,
    keep_all: bool,
) -> anyhow::Result<Exit> {
    let previous = if output.exists() {
        Baseline::load(output)?
    } else {
        Baseline::default()
    };
    let mut current = current;
    if keep_all {
        current.extend(
            previous
                .entries
                .values()
                .map(|e| (e.fingerprint.clone(), e.rule_id.clone())),
        );
    }
    let baseline = Baseline::from_current(current, &previous, &sprawl::clock::today_text(), reason);
    std::fs::write(output, baseline.to_text())
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", output.display()))?;
    diag::note(&format!(
        "wrote {} baseline entr{} to {}",
        baseline.entries.len(),
        if baseline.entries.len() == 1 {
            "y"
        } else {
            "ies"
        },
        output.display()
    ));
    Ok(Exit::Clean)
}

/// `baseline import`: the credentials a scan finds at the places another scanner's files accepted.
fn baseline_import(
    config: &Config,
    output: &Path,
    from: &[PathBuf],
    reason: Option<&str>,
) -> anyhow::Result<Exit> {
    let mut sources = Vec::new();
    for path in from {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
        let (format, entries) = baseline::import::parse(&name, &text)?;
        sources.push((name, format, entries));
    }
    let result = scan_everything(config)?;
    let mut current = Vec::new();
    for (name, format, entries) in &sources {
        let mut unmatched = Vec::new();
        for entry in entries {
            let before = current.len();
            current.extend(
                result
                    .findings
                    .iter()
                    .filter(|f| entry.matches(f))
                    .map(|f| (f.fingerprint.clone(), f.rule.id.clone())),
            );
            if current.len() == before {
                unmatched.push(entry);
            }
        }
        diag::note(&format!(
            "{name} ({}): {} of {} entries matched a credential sprawl finds",
            format.name(),
            entries.len() - unmatched.len(),
            entries.len()
        ));
        for entry in unmatched {
            diag::warn(name, &format!("not matched: {entry}"));
        }
    }
    let default_reason = format!(
        "imported from {}",
        sources
            .iter()
            .map(|(name, _, _)| name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    write_baseline(
        output,
        current,
        Some(reason.unwrap_or(&default_reason)),
        true,
    )
}

fn baseline_prune(config: &Config, file: &Path) -> anyhow::Result<Exit> {
    let old = Baseline::load(file)?;
    let found: std::collections::HashSet<Fingerprint> = current_credentials(config)?
        .into_iter()
        .map(|(fp, _)| fp)
        .collect();
    let kept = old.pruned(&found);
    std::fs::write(file, kept.to_text())
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", file.display()))?;
    diag::note(&format!(
        "kept {} of {} baseline entries in {}",
        kept.entries.len(),
        old.entries.len(),
        file.display()
    ));
    Ok(Exit::Clean)
}
