//! Running the emulator: [`Emulator`] on the caller's tokio runtime, [`BackgroundEmulator`]
//! on a thread and runtime of its own (for synchronous tests and binaries). Both bind
//! 127.0.0.1, deref to [`EmulatorHandle`] and stop when dropped.

use std::ops::Deref;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::serve::ListenerExt as _;
use tokio::sync::oneshot;

use super::log::RequestLog;
use super::{EmulatorConfig, EmulatorHandle, Shared, limits, router};

/// A running emulator on the caller's tokio runtime. Stops on drop or [`shutdown`](Self::shutdown).
pub struct Emulator {
    handle: EmulatorHandle,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.handle.fmt(f)
    }
}

impl Emulator {
    /// Binds 127.0.0.1:`cfg.port` and serves on the current tokio runtime.
    pub async fn start(cfg: EmulatorConfig) -> std::io::Result<Emulator> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", cfg.port)).await?;
        let addr = listener.local_addr()?;
        let limits = limits::Limits::new(cfg.latency, cfg.rate_limit);
        let shared = Arc::new(Shared {
            cfg,
            url: format!("http://{addr}"),
            state: Mutex::default(),
            log: RequestLog::default(),
            limits,
        });
        // Without TCP_NODELAY small replies wait for the peer's delayed ACK (~40 ms each).
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let (stop, stopped) = oneshot::channel::<()>();
        let app = router(shared.clone());
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await
        });
        tracing::debug!(url = %shared.url, "emulator listening");
        Ok(Emulator {
            handle: EmulatorHandle { shared, addr },
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// Runs an emulator on its own thread and runtime, for synchronous tests and binaries.
    pub fn start_background(cfg: EmulatorConfig) -> std::io::Result<BackgroundEmulator> {
        BackgroundEmulator::start(cfg)
    }

    /// A cloneable handle with the same controls.
    pub fn handle(&self) -> EmulatorHandle {
        self.handle.clone()
    }

    /// Stops accepting, lets in-flight requests finish (at most 2 s), then returns.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(Duration::from_secs(2), &mut task)
                .await
                .is_err()
        {
            task.abort();
        }
    }
}

impl Deref for Emulator {
    type Target = EmulatorHandle;
    fn deref(&self) -> &EmulatorHandle {
        &self.handle
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// An emulator on its own thread and tokio runtime; stops (and joins the thread) on drop.
pub struct BackgroundEmulator {
    handle: EmulatorHandle,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl std::fmt::Debug for BackgroundEmulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.handle.fmt(f)
    }
}

impl BackgroundEmulator {
    /// Starts the server thread and waits until the port is bound.
    pub fn start(cfg: EmulatorConfig) -> std::io::Result<BackgroundEmulator> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("aws-sso-emulator".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                rt.block_on(async move {
                    match Emulator::start(cfg).await {
                        Ok(emu) => {
                            let _ = ready_tx.send(Ok(emu.handle()));
                            let _ = stopped.await;
                            emu.shutdown().await;
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                        }
                    }
                });
            })?;
        let handle = ready_rx.recv().map_err(|_| {
            std::io::Error::other("emulator thread exited before binding; see the log for why")
        })??;
        Ok(BackgroundEmulator {
            handle,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    pub fn handle(&self) -> EmulatorHandle {
        self.handle.clone()
    }
}

impl Deref for BackgroundEmulator {
    type Target = EmulatorHandle;
    fn deref(&self) -> &EmulatorHandle {
        &self.handle
    }
}

impl Drop for BackgroundEmulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
