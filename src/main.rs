//! The `sprawl` binary: parse arguments, run, map the outcome to an exit status.

mod cli;

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use sprawl::check::check_rules;
use sprawl::config::{Config, FileConfig};
use sprawl::report::{self, RenderOptions};
use sprawl::rules;
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
    let action = cli::Cli::parse().into_action();
    let exit = match action {
        cli::Action::Scan(config) => run_scan(&config),
        cli::Action::RulesList { json, config } => rules_list(json, config),
        cli::Action::RulesCheck(files) => rules_check(&files),
    };
    match exit {
        Ok(e) => e.into(),
        Err(e) => {
            eprintln!("error: {e:#}");
            Exit::Error.into()
        }
    }
}

fn run_scan(config: &Config) -> anyhow::Result<Exit> {
    let result = scan::run(config)?;
    if let Some(c) = &result.config_loaded {
        eprintln!("sprawl: using config {c}");
    }
    for n in &result.notices {
        eprintln!("warning: {}: {}", n.path, n.message);
    }
    for e in &result.errors {
        eprintln!("warning: {}: {}", e.path, e.message);
    }
    let opts = RenderOptions {
        redact: config.redact,
        color: config.color,
    };
    write_output(config.output.as_ref(), |out| {
        report::write(&result, config.format, opts, out)
    })?;
    Ok(if result.findings.is_empty() {
        Exit::Clean
    } else {
        Exit::Found(config.exit_code)
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

fn rules_list(json: bool, config: Option<PathBuf>) -> anyhow::Result<Exit> {
    let file_config = match &config {
        Some(p) => FileConfig::load(p)?,
        None => FileConfig::default(),
    };
    let engine = scan::build_engine(&file_config, true)?;
    let mut out = io::stdout().lock();
    if json {
        let list: Vec<_> = engine
            .rules()
            .map(|r| {
                serde_json::json!({
                    "id": r.meta.id, "name": r.meta.name, "provider": r.meta.provider,
                    "confidence": r.meta.confidence.as_str(), "keywords": r.keywords,
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
        let text = std::fs::read_to_string(file)
            .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
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
