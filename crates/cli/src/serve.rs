//! `sagetag serve`: flags, their checks, logging, signals.

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, ValueEnum};
use tracing_subscriber::EnvFilter;

use sagetag_ops::SystemClock;
use sagetag_server::config::{
    is_account_id, is_region_name, AuthMode, Config, ConfigError, Credentials,
};
use sagetag_server::throttle::RateLimit;
use sagetag_server::Server;

use crate::store_args::StoreArgs;

/// Flags of `sagetag serve`. Every flag has an environment fallback.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port; the chosen address is
    /// printed on stdout as `sagetag listening on http://ADDR`).
    #[arg(long, env = "SAGETAG_LISTEN", default_value = "127.0.0.1:4570")]
    listen: SocketAddr,

    #[command(flatten)]
    store: StoreArgs,

    /// TOML file of `[[credentials]]` tables (`access_key_id`, `secret_access_key`,
    /// `account_id`, optional `session_token` and `session_token_expires`). With it
    /// every request must be signed by one of these keys; without it sagetag runs in
    /// development mode and accepts any key unverified.
    #[arg(long, env = "SAGETAG_CREDENTIALS")]
    credentials: Option<PathBuf>,

    /// Account every caller acts as in development mode (no --credentials).
    #[arg(long, env = "SAGETAG_DEFAULT_ACCOUNT", default_value = "000000000000")]
    default_account: String,

    /// Allow development mode on a non-loopback address, where anyone who can
    /// reach the port can read and change everything.
    #[arg(long, env = "SAGETAG_ALLOW_UNAUTHENTICATED")]
    allow_unauthenticated: bool,

    /// Regions served, comma-separated (default: any name of the form us-east-1).
    #[arg(long, env = "SAGETAG_REGIONS", value_delimiter = ',')]
    regions: Option<Vec<String>>,

    /// Expose `POST /_sagetag/reset`, which wipes all state (for test suites).
    #[arg(long, env = "SAGETAG_ENABLE_RESET")]
    enable_reset: bool,

    /// Largest request body accepted, in bytes.
    #[arg(long, env = "SAGETAG_MAX_BODY_BYTES", default_value_t = 1024 * 1024)]
    max_body_bytes: usize,

    /// Seconds each lifecycle step takes (Creating → InService, InProgress →
    /// Completed, each training-job round of a tuning job…); 0 makes them immediate.
    #[arg(long, env = "SAGETAG_LIFECYCLE_SECONDS", default_value_t = 5)]
    lifecycle_seconds: u64,

    /// Seconds a client may take to send a request's headers, and its body.
    #[arg(long, env = "SAGETAG_REQUEST_TIMEOUT", default_value_t = 30)]
    request_timeout_seconds: u64,

    /// Seconds a keep-alive connection may sit idle between requests before it
    /// is closed (the request timeout also bounds it: the smaller applies).
    #[arg(long, env = "SAGETAG_IDLE_TIMEOUT", default_value_t = 20)]
    idle_timeout_seconds: u64,

    /// Most connections served at once; further clients wait in the listen
    /// backlog until one closes.
    #[arg(long, env = "SAGETAG_MAX_CONNECTIONS", default_value_t = 1024)]
    max_connections: usize,

    /// Requests per second allowed to each account (a token bucket per account,
    /// per server); over it, `ThrottlingException`. No limit by default.
    #[arg(long, env = "SAGETAG_RATE_LIMIT", value_name = "PER_SECOND")]
    rate_limit: Option<f64>,

    /// Requests an account may send at once above its rate: the bucket size
    /// (default: the rate rounded up). Needs --rate-limit.
    #[arg(long, env = "SAGETAG_RATE_BURST", requires = "rate_limit")]
    rate_burst: Option<u32>,

    /// Format of the log lines on stderr (default: pretty when stderr is a
    /// terminal, json otherwise). Which lines are written is set by `RUST_LOG`
    /// (default `info`: one line per request).
    #[arg(long, env = "SAGETAG_LOG_FORMAT", value_enum)]
    log_format: Option<LogFormat>,
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum LogFormat {
    /// One JSON object per line: the event's fields at the top level, the
    /// request's (request_id, operation, account, region) under `span`.
    Json,
    /// One human-readable line per event, in color on a terminal.
    Pretty,
}

/// Runs the server until SIGINT or SIGTERM.
pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    init_logging(args.log_format);
    let config = validate(args)?;
    if let AuthMode::Development { default_account } = &config.auth {
        tracing::warn!(
            account = %default_account,
            "development mode: signatures are not verified and every caller acts as \
             this account; pass --credentials to require signed requests"
        );
    }

    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let listen = config.listen;
        let server = Server::open(config, Arc::new(SystemClock)).await?;
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("cannot listen on {listen}"))?;
        let local = listener.local_addr()?;

        // The one line on stdout: scripts and test harnesses read the port from it.
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "sagetag listening on http://{local}")?;
        stdout.flush()?;
        drop(stdout);
        tracing::info!(address = %local, "listening");

        server.serve(listener, shutdown_signal()).await?;
        tracing::info!("stopped");
        Ok(())
    })
}

/// Turns flags into a checked [`Config`] before anything binds.
fn validate(args: ServeArgs) -> Result<Config, ConfigError> {
    let auth = match &args.credentials {
        Some(path) => AuthMode::Verified(Credentials::load(path)?),
        None => {
            if !is_account_id(&args.default_account) {
                return Err(ConfigError::InvalidAccount {
                    flag: "--default-account",
                    value: args.default_account,
                });
            }
            if !args.listen.ip().is_loopback() && !args.allow_unauthenticated {
                return Err(ConfigError::UnauthenticatedOnNetwork(args.listen));
            }
            AuthMode::Development {
                default_account: args.default_account,
            }
        }
    };
    if let Some(bad) = args.regions.iter().flatten().find(|r| !is_region_name(r)) {
        return Err(ConfigError::InvalidRegion(bad.clone()));
    }
    if args.max_body_bytes < 1024 {
        return Err(ConfigError::InvalidLimit(
            "--max-body-bytes must be at least 1024".to_owned(),
        ));
    }
    if args.request_timeout_seconds == 0 {
        return Err(ConfigError::InvalidLimit(
            "--request-timeout-seconds must be at least 1".to_owned(),
        ));
    }
    if args.idle_timeout_seconds == 0 || args.max_connections == 0 {
        return Err(ConfigError::InvalidLimit(
            "--idle-timeout-seconds and --max-connections must be at least 1".to_owned(),
        ));
    }
    let rate_limit = rate_limit(args.rate_limit, args.rate_burst)?;
    let store = args.store.config()?;
    Ok(Config {
        listen: args.listen,
        store,
        auth,
        regions: args.regions,
        enable_reset: args.enable_reset,
        max_body_bytes: args.max_body_bytes,
        request_timeout: Duration::from_secs(args.request_timeout_seconds),
        idle_timeout: Duration::from_secs(args.idle_timeout_seconds),
        max_connections: args.max_connections,
        rate_limit,
        lifecycle_seconds: args.lifecycle_seconds as f64,
    })
}

/// `--rate-limit` and `--rate-burst` as a checked [`RateLimit`].
fn rate_limit(rate: Option<f64>, burst: Option<u32>) -> Result<Option<RateLimit>, ConfigError> {
    let Some(per_second) = rate else {
        return Ok(None);
    };
    if !(per_second.is_finite() && per_second > 0.0 && per_second <= 1e6) {
        return Err(ConfigError::InvalidLimit(format!(
            "--rate-limit must be a number of requests per second above 0 and at most \
             1000000, not {per_second}"
        )));
    }
    // The cast cannot truncate: the rate is at most 1e6.
    let burst = burst.unwrap_or(per_second.ceil() as u32);
    if burst == 0 {
        return Err(ConfigError::InvalidLimit(
            "--rate-burst must be at least 1".to_owned(),
        ));
    }
    Ok(Some(RateLimit { per_second, burst }))
}

/// Logs to stderr in `format`, filtered by `RUST_LOG` (default `info`).
fn init_logging(format: Option<LogFormat>) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let terminal = std::io::stderr().is_terminal();
    let format = format.unwrap_or(if terminal {
        LogFormat::Pretty
    } else {
        LogFormat::Json
    });
    let logger = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => logger
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .init(),
        LogFormat::Pretty => logger.with_ansi(terminal).init(),
    }
}

/// Completes on the first SIGINT or SIGTERM.
async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = interrupt => {},
                    _ = terminate.recv() => {},
                }
            }
            Err(_) => {
                let _ = interrupt.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
    tracing::info!("shutdown requested");
}
