//! The `exec` and container actions: run `UrlExecCommand` with `%s` replaced by the URL,
//! without waiting for it (a browser may run for hours), reaped in the background.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use super::UrlActionError;

/// Checks `UrlExecCommand`: a program plus at least one argument, one of which contains `%s`.
/// Config loading can call this to reject a bad value early.
pub fn validate_exec_command(command: &[String]) -> Result<(), UrlActionError> {
    if command.len() < 2 {
        return Err(UrlActionError::ExecCommandTooShort(command.len()));
    }
    if !command[1..].iter().any(|arg| arg.contains("%s")) {
        return Err(UrlActionError::ExecCommandNoPlaceholder(command.to_vec()));
    }
    Ok(())
}

/// Expands a leading `~` (alone or as `~/…`) to `home`; other values are returned unchanged.
pub fn expand_tilde(path: &str, home: Option<&std::ffi::OsStr>) -> PathBuf {
    match (path.strip_prefix('~'), home) {
        (Some(""), Some(home)) => PathBuf::from(home),
        (Some(rest), Some(home)) if rest.starts_with('/') => {
            PathBuf::from(home).join(rest.trim_start_matches('/'))
        }
        _ => PathBuf::from(path),
    }
}

/// The argv that `exec` runs: argv[0] with `~` expanded, every `%s` in the arguments replaced
/// by `url`.
pub fn exec_argv(command: &[String], url: &str) -> Result<Vec<String>, UrlActionError> {
    validate_exec_command(command)?;
    let home = std::env::var_os("HOME");
    let program = expand_tilde(&command[0], home.as_deref())
        .to_string_lossy()
        .into_owned();
    let mut argv = vec![program];
    argv.extend(command[1..].iter().map(|arg| arg.replace("%s", url)));
    Ok(argv)
}

/// Starts `UrlExecCommand` for `url` and returns its pid. A detached thread waits for it so it
/// never lingers as a zombie while we run.
pub(super) fn spawn(command: &[String], url: &str) -> Result<u32, UrlActionError> {
    let argv = exec_argv(command, url)?;
    // stdout must stay clean (`eval $(aws-sso eval)` captures it) and a TUI must not be
    // scribbled over, so the child gets no terminal streams.
    let mut command = Command::new(&argv[0]);
    for name in crate::store::password::SECRET_VARS {
        command.env_remove(name);
    }
    let mut child = command
        .args(&argv[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|source| UrlActionError::Spawn {
            program: argv[0].clone(),
            source,
        })?;
    let pid = child.id();
    let program = argv[0].clone();
    let reaper = std::thread::Builder::new()
        .name("urlaction-reaper".into())
        .spawn(move || match child.wait() {
            Ok(status) if !status.success() => {
                tracing::warn!(%program, %status, "UrlExecCommand exited unsuccessfully");
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(%program, error = %e, "could not wait for UrlExecCommand"),
        });
    if let Err(e) = reaper {
        // Without a reaper the child becomes a zombie until we exit; harmless for a CLI.
        tracing::debug!(error = %e, "could not start the reaper thread");
    }
    tracing::info!(program = %argv[0], "Started UrlExecCommand");
    Ok(pid)
}
