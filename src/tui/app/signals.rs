//! The signals the picker's loop listens to besides keys: SIGTERM/SIGHUP end it (Ctrl-C on
//! Windows), SIGCONT redraws it after a stop, whoever stopped it.

use anyhow::Result;

#[cfg(unix)]
pub(super) fn terminate_signal() -> Result<Terminate> {
    use tokio::signal::unix::{SignalKind, signal};
    Ok(Terminate {
        term: signal(SignalKind::terminate())?,
        hup: signal(SignalKind::hangup())?,
    })
}

#[cfg(unix)]
pub(super) fn continue_signal() -> Result<tokio::signal::unix::Signal> {
    use tokio::signal::unix::{SignalKind, signal};
    Ok(signal(SignalKind::from_raw(signal_hook::consts::SIGCONT))?)
}

#[cfg(not(unix))]
pub(super) fn continue_signal() -> Result<NoContinue> {
    Ok(NoContinue)
}

/// No job control: nothing ever resumes the picker from outside.
#[cfg(not(unix))]
pub(super) struct NoContinue;

#[cfg(not(unix))]
impl NoContinue {
    pub(super) async fn recv(&mut self) {
        std::future::pending::<()>().await
    }
}

#[cfg(unix)]
pub(super) struct Terminate {
    term: tokio::signal::unix::Signal,
    hup: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Terminate {
    pub(super) async fn recv(&mut self) {
        tokio::select! {
            _ = self.term.recv() => {},
            _ = self.hup.recv() => {},
        }
    }
}

#[cfg(not(unix))]
pub(super) fn terminate_signal() -> Result<Terminate> {
    Ok(Terminate)
}

#[cfg(not(unix))]
pub(super) struct Terminate;

#[cfg(not(unix))]
impl Terminate {
    pub(super) async fn recv(&mut self) {
        let _ = tokio::signal::ctrl_c().await;
    }
}
