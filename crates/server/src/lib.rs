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
mod connection;
pub mod metrics;
pub mod scheduler;
pub mod service;
pub mod throttle;
pub mod wire;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use sagetag_ops::{Clock, Ctx};
use sagetag_store::Store;
use sagetag_store_postgres::{PgOptions, PgStore};
use sagetag_store_sqlite::SqliteStore;

use crate::auth::Authenticator;
use crate::config::{Config, StoreConfig};
use crate::service::State;
use crate::throttle::RateLimiter;

/// How long in-flight requests may take to finish after shutdown is asked for.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

/// Opens the store named by `config`, as [`Server::open`] does, for tools
/// that use it without serving (export, import).
///
/// # Errors
/// As [`Server::open`].
pub async fn open_store(config: &StoreConfig) -> Result<Arc<dyn Store>, StartError> {
    Ok(match connect(config).await? {
        Opened::Sqlite(store) => store,
        Opened::Postgres(store) => Arc::new(store),
    })
}

/// A store just opened, still of its own type: the metrics watch the SQLite
/// writer's counters.
enum Opened {
    Sqlite(Arc<SqliteStore>),
    Postgres(PgStore),
}

async fn connect(config: &StoreConfig) -> Result<Opened, StartError> {
    match config {
        StoreConfig::Sqlite { data_dir } => {
            let store = SqliteStore::open(data_dir).map_err(|source| StartError::Store {
                dir: data_dir.clone(),
                source,
            })?;
            Ok(Opened::Sqlite(Arc::new(store)))
        }
        StoreConfig::Postgres { url, pool_size } => {
            let options = PgOptions {
                pool_size: *pool_size,
                ..PgOptions::default()
            };
            let store = PgStore::connect(url, &options)
                .await
                .map_err(|source| StartError::Database { source })?;
            Ok(Opened::Postgres(store))
        }
    }
}

/// A configured server, its store open, not yet serving.
pub struct Server {
    state: Arc<State>,
    timeouts: connection::Timeouts,
    max_connections: usize,
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
    /// The PostgreSQL database could not be reached, or its schema used.
    #[error("cannot use the database of --database-url")]
    Database {
        /// Why.
        source: sagetag_store::Error,
    },
}

impl Server {
    /// Opens the store named by `config` (the embedded SQLite store, or a
    /// PostgreSQL database, migrating its schema) and prepares to serve.
    ///
    /// # Errors
    /// [`StartError::Store`] when the data directory cannot be used;
    /// [`StartError::Database`] when the database cannot be reached or used.
    pub async fn open(config: Config, clock: Arc<dyn Clock>) -> Result<Server, StartError> {
        match connect(&config.store).await? {
            Opened::Sqlite(store) => {
                let server =
                    Server::with_store(config, Arc::clone(&store) as Arc<dyn Store>, clock);
                server.state.metrics.watch_sqlite(store);
                Ok(server)
            }
            Opened::Postgres(store) => Ok(Server::with_store(config, Arc::new(store), clock)),
        }
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
            metrics: metrics::Metrics::new(),
            limiter: config.rate_limit.map(RateLimiter::new),
        };
        Server {
            state: Arc::new(state),
            timeouts: connection::Timeouts {
                request: config.request_timeout,
                idle: config.idle_timeout,
            },
            max_connections: config.max_connections,
        }
    }

    /// Serves connections from `listener` until `shutdown` completes, then stops
    /// accepting and lets in-flight requests finish (for up to 30 seconds).
    ///
    /// At most `max_connections` connections are served at once. At the limit
    /// the server stops accepting: new clients wait in the kernel's listen
    /// backlog (then their SYNs go unanswered and they retry) until a
    /// connection closes, which every timeout guarantees eventually. Waiting
    /// rather than refusing keeps the server's own memory and work bounded
    /// however many clients knock.
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

        let slots = Arc::new(Semaphore::new(self.max_connections));
        let mut full = false;
        loop {
            // Warn once each time the limit is reached, not once per waiting client.
            if slots.available_permits() == 0 && !full {
                tracing::warn!(
                    limit = self.max_connections,
                    "connection limit reached: new connections wait until one closes"
                );
            }
            full = slots.available_permits() == 0;
            let permit = tokio::select! {
                permit = Arc::clone(&slots).acquire_owned() => match permit {
                    Ok(permit) => permit,
                    Err(_closed) => break,
                },
                () = &mut shutdown => break,
            };
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
            let state = Arc::clone(&self.state);
            connection::spawn(state, stream, peer, self.timeouts, &graceful, permit);
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
