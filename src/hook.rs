//! `sprawl hook install|uninstall`: a plain git pre-commit hook that runs `sprawl scan --staged`.
//! An existing hook that sprawl did not write is never replaced without `--force` (and is then kept as
//! `pre-commit.before-sprawl`, restored by `uninstall`).

use std::path::{Path, PathBuf};

use crate::source::git;

/// First lines of every hook sprawl writes; how `uninstall` recognises its own.
const MARKER: &str = "# sprawl pre-commit hook";

#[derive(Debug, thiserror::Error)]
pub enum HookError {
    #[error(transparent)]
    Git(#[from] git::GitError),
    #[error("{0} is a bare repository: there is nothing to commit from, so no hook to install")]
    Bare(PathBuf),
    #[error(
        "{0} exists and was not written by sprawl; left alone (use --force to replace it; it is kept as pre-commit.before-sprawl)"
    )]
    Exists(PathBuf),
    #[error("{0} was not written by sprawl; left alone")]
    NotOurs(PathBuf),
    #[error("{path}: {message}")]
    Io { path: PathBuf, message: String },
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> HookError + '_ {
    move |e| HookError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// The directory git runs hooks from: `core.hooksPath` when set (relative to the working tree), else
/// `.git/hooks`.
pub fn hooks_dir(repo_path: &Path) -> Result<PathBuf, HookError> {
    let repo = git::open(repo_path, true)?;
    let Some(workdir) = repo.workdir().map(Path::to_path_buf) else {
        return Err(HookError::Bare(repo.path().to_path_buf()));
    };
    let configured = repo
        .config()
        .ok()
        .and_then(|c| c.get_path("core.hooksPath").ok());
    Ok(match configured {
        Some(p) if p.is_absolute() => p,
        Some(p) => workdir.join(p),
        None => repo.path().join("hooks"),
    })
}

/// The hook script: runs this sprawl binary (by absolute path, so GUI clients without `PATH` work),
/// falling back to `sprawl` on `PATH` if it has moved.
pub fn script(exe: &Path) -> String {
    let exe = exe.display().to_string().replace('\'', r"'\''");
    format!(
        "#!/bin/sh\n{MARKER} (installed by `sprawl hook install`; remove with `sprawl hook uninstall`)\n\
         # Blocks commits whose staged changes add a credential. Allow a false positive with `sprawl:allow`\n\
         # in a comment on its line.\n\
         sprawl_bin='{exe}'\n\
         [ -x \"$sprawl_bin\" ] || sprawl_bin=sprawl\n\
         exec \"$sprawl_bin\" scan --staged\n"
    )
}

/// What `install` did.
#[derive(Debug, PartialEq, Eq)]
pub enum Installed {
    New(PathBuf),
    Updated(PathBuf),
    /// Replaced a foreign hook (kept at the second path).
    Replaced(PathBuf, PathBuf),
}

pub fn install(repo_path: &Path, exe: &Path, force: bool) -> Result<Installed, HookError> {
    let dir = hooks_dir(repo_path)?;
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let hook = dir.join("pre-commit");
    let existing = std::fs::read(&hook).ok();
    let outcome = match &existing {
        None => Installed::New(hook.clone()),
        Some(text) if is_ours(text) => Installed::Updated(hook.clone()),
        Some(_) if !force => return Err(HookError::Exists(hook)),
        Some(_) => {
            let backup = dir.join("pre-commit.before-sprawl");
            std::fs::rename(&hook, &backup).map_err(io(&hook))?;
            Installed::Replaced(hook.clone(), backup)
        }
    };
    std::fs::write(&hook, script(exe)).map_err(io(&hook))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755))
            .map_err(io(&hook))?;
    }
    Ok(outcome)
}

/// What `uninstall` did.
#[derive(Debug, PartialEq, Eq)]
pub enum Uninstalled {
    Removed(PathBuf),
    /// Removed, and the hook it had replaced is back.
    Restored(PathBuf),
    NotInstalled(PathBuf),
}

pub fn uninstall(repo_path: &Path) -> Result<Uninstalled, HookError> {
    let dir = hooks_dir(repo_path)?;
    let hook = dir.join("pre-commit");
    let Ok(text) = std::fs::read(&hook) else {
        return Ok(Uninstalled::NotInstalled(hook));
    };
    if !is_ours(&text) {
        return Err(HookError::NotOurs(hook));
    }
    std::fs::remove_file(&hook).map_err(io(&hook))?;
    let backup = dir.join("pre-commit.before-sprawl");
    if backup.exists() {
        std::fs::rename(&backup, &hook).map_err(io(&backup))?;
        return Ok(Uninstalled::Restored(hook));
    }
    Ok(Uninstalled::Removed(hook))
}

fn is_ours(text: &[u8]) -> bool {
    String::from_utf8_lossy(text)
        .lines()
        .take(3)
        .any(|l| l.starts_with(MARKER))
}
