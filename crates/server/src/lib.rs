//! The sagetag server: glue between the wire and the layers below it.
//!
//! Layers depend one way: [`wire`] (AWS JSON 1.1 framing) and [`auth`] (SigV4,
//! from `sagetag-sigv4`) feed `sagetag-ops`, which talks to a `sagetag-store`
//! backend. This crate owns the [`config`], the per-request pipeline and span
//! ([`service`]), and [`Server::serve`], which takes a listener and a shutdown
//! future so tests can bind port 0.
#![deny(missing_docs)]

pub mod auth;
pub mod config;
pub mod scheduler;
pub mod service;
pub mod wire;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;

use sagetag_ops::{Clock, Ctx};
use sagetag_store::Store;
use sagetag_store_sqlite::SqliteStore;

use crate::auth::Authenticator;
use crate::config::Config;
use crate::service::State;

/// Largest request head (line and headers) a connection may send.
const MAX_HEAD_BYTES: usize = 64 * 1024;

/// How long in-flight requests may take to finish after shutdown is asked for.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

/// A configured server, its store open, not yet serving.
pub struct Server {
    state: Arc<State>,
    request_timeout: Duration,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The store could not be opened.
    #[error("cannot open the store in {dir}: {source}")]
    Store {
        /// The data directory.
        dir: std::path::PathBuf,
        /// Why.
        source: sagetag_store::Error,
    },
}

impl Server {
    /// Opens the embedded store named by `config` and prepares to serve.
    ///
    /// # Errors
    /// [`StartError::Store`] when the data directory cannot be used.
    pub fn open(config: Config, clock: Arc<dyn Clock>) -> Result<Server, StartError> {
        let store = SqliteStore::open(&config.data_dir).map_err(|source| StartError::Store {
            dir: config.data_dir.clone(),
            source,
        })?;
        Ok(Server::with_store(config, Arc::new(store), clock))
    }

    /// Prepares to serve over an already open store.
    pub fn with_store(config: Config, store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Server {
        let ctx = Ctx {
            store,
            clock,
            step_seconds: config.lifecycle_seconds,
        };
        let state = State {
            ctx,
            auth: Authenticator::new(config.auth, config.regions),
            enable_reset: config.enable_reset,
            max_body_bytes: config.max_body_bytes,
            request_timeout: config.request_timeout,
        };
        Server {
            state: Arc::new(state),
            request_timeout: config.request_timeout,
        }
    }

    /// Serves connections from `listener` until `shutdown` completes, then stops
    /// accepting and lets in-flight requests finish (for up to 30 seconds).
    ///
    /// # Errors
    /// Never at present; accept errors are logged and retried.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()>,
    ) -> std::io::Result<()> {
        let graceful = GracefulShutdown::new();
        let mut shutdown = std::pin::pin!(shutdown);
        let (stop_scheduler, stopped) = tokio::sync::watch::channel(false);
        let scheduler = tokio::spawn(scheduler::run(self.state.ctx.clone(), stopped));

        loop {
            let (stream, peer) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(pair) => pair,
                    Err(err) => {
                        // Out of descriptors or a reset before accept: back off briefly.
                        tracing::warn!(error = %err, "accept failed");
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        continue;
                    }
                },
                () = &mut shutdown => break,
            };
            let _ = stream.set_nodelay(true);

            let state = Arc::clone(&self.state);
            let service = service_fn(move |req| service::handle(Arc::clone(&state), req));
            let connection = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(self.request_timeout)
                .max_buf_size(MAX_HEAD_BYTES)
                .serve_connection(TokioIo::new(stream), service);
            let connection = graceful.watch(connection);
            tokio::spawn(async move {
                if let Err(err) = connection.await {
                    tracing::debug!(%peer, error = %err, "connection ended with an error");
                }
            });
        }

        drop(listener);
        let _ = stop_scheduler.send(true);
        let _ = scheduler.await;
        tracing::info!("shutting down: finishing in-flight requests");
        tokio::select! {
            () = graceful.shutdown() => tracing::info!("all connections closed"),
            () = tokio::time::sleep(DRAIN_TIMEOUT) => {
                tracing::warn!("in-flight requests did not finish in time; stopping anyway");
            }
        }
        Ok(())
    }
}
