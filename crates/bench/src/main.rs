//! `sagetag-bench`: the benchmark harness of sagetag.
//!
//! - `run` drives a server (sagetag, or moto for comparison) with SigV4-signed
//!   AWS JSON 1.1 traffic at fixed concurrencies and reports throughput and HDR
//!   latency percentiles;
//! - `report` prints the tables of earlier runs, the sagetag/moto ratios and the
//!   share of the SQLite ceiling;
//! - `sqlite-ceiling` measures how fast durable SQLite commits can go here;
//! - `load-models` fills a data directory through the store's API for the scale
//!   run.
//!
//! `bench/compare.sh` and `bench/scale.sh` put these together; `BENCHMARKS.md`
//! explains the results.

mod ceiling;
mod client;
mod expect;
mod load_models;
mod procstat;
mod report;
mod runner;
mod scenario;
mod setup;
mod signer;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use sagetag_sigv4::SecretKey;

use crate::ceiling::CeilingOptions;
use crate::load_models::{model_arn, model_name, LoadOptions};
use crate::runner::RunOptions;
use crate::scenario::{Plan, Scenario};
use crate::signer::Signer;

/// Exit code of a run that finished but got wrong answers.
const EXIT_ERRORS: u8 = 2;

/// Benchmark harness of sagetag.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run scenarios against a server on loopback and report throughput and latency.
    Run(RunArgs),
    /// Print the tables of earlier runs, with ratios and the ceiling share.
    Report(ReportArgs),
    /// Measure SQLite's durable commit rate on this disk (WAL, synchronous=FULL).
    SqliteCeiling(CeilingArgs),
    /// Fill a data directory with models and tags through the store's own API.
    LoadModels(LoadArgs),
}

#[derive(Debug, Args)]
struct RunArgs {
    /// The server, e.g. http://127.0.0.1:4570 (loopback only).
    #[arg(long)]
    endpoint: String,

    /// The server's label in reports.
    #[arg(long, default_value = "sagetag")]
    target: String,

    /// Scenarios to run, comma-separated (default: the five compared with moto).
    #[arg(long, value_enum, value_delimiter = ',')]
    scenario: Vec<Scenario>,

    /// Concurrencies to run each scenario at, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "1,16,64")]
    concurrency: Vec<usize>,

    /// Seconds of warm-up before measuring.
    #[arg(long, default_value_t = 2.0)]
    warmup: f64,

    /// Seconds measured.
    #[arg(long, default_value_t = 10.0)]
    duration: f64,

    /// Models that add-tags-overwrite and the mix spread over.
    #[arg(long, default_value_t = 500)]
    resources: u64,

    /// Models that add-tags-new spreads over (50 fresh keys each before wrapping).
    #[arg(long, default_value_t = 5000)]
    new_key_models: u64,

    /// Models that `load-models` wrote, for the `*-preloaded` scenarios.
    #[arg(long, default_value_t = 0)]
    preloaded_models: u64,

    /// The `--prefix` given to `load-models`.
    #[arg(long, default_value = "load")]
    preloaded_prefix: String,

    /// The `--tags` given to `load-models`.
    #[arg(long, default_value_t = 10)]
    preloaded_tags: u64,

    /// The account of the preloaded models (the credentials' `account_id`).
    #[arg(long, default_value = "123456789012")]
    account: String,

    #[command(flatten)]
    credentials: CredentialArgs,

    /// The server's process id, to report its CPU use.
    #[arg(long)]
    server_pid: Option<u32>,

    /// Append each result as a JSON line to this file.
    #[arg(long)]
    results: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct CredentialArgs {
    /// Access key id to sign with.
    #[arg(long, env = "AWS_ACCESS_KEY_ID", default_value = "AKIDSAGETAGBENCH")]
    access_key_id: String,

    /// Secret access key to sign with.
    #[arg(
        long,
        env = "AWS_SECRET_ACCESS_KEY",
        default_value = "sagetag-bench-secret",
        hide_env_values = true,
        hide_default_value = true
    )]
    secret_access_key: String,

    /// Region to sign for.
    #[arg(long, env = "AWS_REGION", default_value = "us-east-1")]
    region: String,
}

#[derive(Debug, Args)]
struct ReportArgs {
    /// JSON-lines file written by `run --results`.
    #[arg(long)]
    results: PathBuf,

    /// Label of the server whose ratios are printed.
    #[arg(long, default_value = "sagetag")]
    candidate: String,

    /// Label of the server it is divided by.
    #[arg(long, default_value = "moto")]
    baseline: String,

    /// JSON file written by `sqlite-ceiling --json`.
    #[arg(long)]
    ceiling: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct CeilingArgs {
    /// Directory for the scratch database: put it on the disk the server uses.
    #[arg(long, default_value = "bench/results/tmp/ceiling")]
    dir: PathBuf,

    /// Seconds per measurement.
    #[arg(long, default_value_t = 5.0)]
    duration: f64,

    /// Concurrent writers in measurement (b).
    #[arg(long, default_value_t = 64)]
    writers: usize,

    /// Rounds of measurement (b); the best counts.
    #[arg(long, default_value_t = 3)]
    rounds: usize,

    /// Also write the result as JSON to this file.
    #[arg(long)]
    json: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct LoadArgs {
    /// The server's data directory (no server may be running on it).
    #[arg(long)]
    data_dir: PathBuf,

    /// Models to create.
    #[arg(long, default_value_t = 1_000_000)]
    models: u64,

    /// Tags per model.
    #[arg(long, default_value_t = 10)]
    tags: u64,

    /// Account of the models: the `account_id` of the credentials used later.
    #[arg(long, default_value = "123456789012")]
    account: String,

    /// Region of the models.
    #[arg(long, default_value = "us-east-1")]
    region: String,

    /// Model names are PREFIX-0000000, PREFIX-0000001, …
    #[arg(long, default_value = "load")]
    prefix: String,

    /// Concurrent creating tasks (the store's writer batches up to 512 per commit).
    #[arg(long, default_value_t = 1024)]
    tasks: usize,

    /// Also write the result as JSON to this file.
    #[arg(long)]
    json: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> ExitCode {
    match Cli::parse().command.execute().await {
        Ok(code) => code,
        Err(err) => {
            eprintln!("sagetag-bench: {err:#}");
            ExitCode::FAILURE
        }
    }
}

impl Command {
    async fn execute(self) -> anyhow::Result<ExitCode> {
        match self {
            Command::Run(args) => run(args).await,
            Command::Report(args) => report(&args),
            Command::SqliteCeiling(args) => sqlite_ceiling(args).await,
            Command::LoadModels(args) => load(args).await,
        }
    }
}

async fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let addr = loopback_addr(&args.endpoint)?;
    let secret = SecretKey::new(args.credentials.secret_access_key.clone());
    let signer = Arc::new(Signer::new(
        &args.credentials.access_key_id,
        secret,
        &args.credentials.region,
        &addr.to_string(),
    )?);
    let scenarios = if args.scenario.is_empty() {
        Scenario::COMPARED.to_vec()
    } else {
        args.scenario.clone()
    };

    let mut results = Vec::new();
    for &scenario in &scenarios {
        for &concurrency in &args.concurrency {
            let plan = prepare(&args, &signer, addr, scenario, concurrency).await?;
            let options = RunOptions {
                target: args.target.clone(),
                concurrency: concurrency.max(1),
                warmup: seconds(args.warmup)?,
                duration: seconds(args.duration)?,
                server_pid: args.server_pid,
            };
            let result = runner::run(Arc::clone(&signer), addr, Arc::new(plan), &options).await?;
            if let Some(path) = &args.results {
                report::append(path, &result)?;
            }
            eprintln!(
                "{} {} c={}: {:.0} req/s, p99 {:.3} ms, {} errors",
                result.target,
                result.scenario,
                result.concurrency,
                result.rps,
                result.latency_ms.p99,
                result.errors
            );
            results.push(result);
        }
    }
    print!("{}", report::table(&results));
    print_notes(&results);
    Ok(errors_exit(&results))
}

/// Creates the scenario's resources through the API and returns its plan.
async fn prepare(
    args: &RunArgs,
    signer: &Arc<Signer>,
    addr: SocketAddr,
    scenario: Scenario,
    concurrency: usize,
) -> anyhow::Result<Plan> {
    let prefix = format!("{}-{}-c{concurrency}", run_tag(), scenario.code());
    if matches!(
        scenario,
        Scenario::ListTagsPreloaded | Scenario::AddTagsPreloaded
    ) {
        anyhow::ensure!(
            args.preloaded_models > 0,
            "{scenario:?} needs --preloaded-models"
        );
        let name = |i| model_name(&args.preloaded_prefix, i);
        let arns = (0..args.preloaded_models)
            .map(|i| model_arn(signer.region(), &args.account, &name(i)))
            .collect();
        return Ok(Plan::new(scenario, arns, args.preloaded_tags, &prefix));
    }

    let spread = match scenario {
        Scenario::AddTagsNew => args.new_key_models,
        _ => args.resources,
    };
    let (models, tags) = scenario.fixture(spread.max(1));
    let names = (0..models).map(|i| format!("{prefix}-{i}")).collect();
    let arns = setup::create_models(signer, addr, names, tags)
        .await
        .with_context(|| format!("setting up {}", scenario.name()))?;
    Ok(Plan::new(scenario, arns, tags, &prefix))
}

fn report(args: &ReportArgs) -> anyhow::Result<ExitCode> {
    let results = report::read(&args.results)?;
    println!("### All runs\n");
    println!("{}", report::table(&results));
    println!("### {} / {}\n", args.candidate, args.baseline);
    println!(
        "{}",
        report::comparison(&results, &args.candidate, &args.baseline)
    );
    if let Some(path) = &args.ceiling {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let ceiling: ceiling::CeilingResult = serde_json::from_str(&text)?;
        println!("### SQLite ceiling\n\n{}", ceiling::table(&ceiling));
        println!(
            "{}",
            report::ceiling_share(&results, &args.candidate, &ceiling)
        );
    }
    print_notes(&results);
    Ok(errors_exit(&results))
}

async fn sqlite_ceiling(args: CeilingArgs) -> anyhow::Result<ExitCode> {
    let options = CeilingOptions {
        dir: args.dir,
        duration: seconds(args.duration)?,
        writers: args.writers,
        rounds: args.rounds,
    };
    let result = tokio::task::spawn_blocking(move || ceiling::measure(&options)).await??;
    print!("{}", ceiling::table(&result));
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_string_pretty(&result)?)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(ExitCode::SUCCESS)
}

async fn load(args: LoadArgs) -> anyhow::Result<ExitCode> {
    let options = LoadOptions {
        data_dir: args.data_dir,
        models: args.models,
        tags: args.tags,
        account: args.account,
        region: args.region,
        prefix: args.prefix,
        tasks: args.tasks,
    };
    let result = load_models::load(&options).await?;
    println!(
        "loaded {} models ({} already there) with {} tags each in {:.1} s \
         ({:.0} models/s, {} commits); database {:.1} MiB",
        result.created,
        result.existing,
        options.tags,
        result.seconds,
        result.models_per_s,
        result.commits,
        result.db_bytes as f64 / (1024.0 * 1024.0)
    );
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_string_pretty(&result)?)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The address of `endpoint`, which must be `http://` on a loopback address:
/// the harness never sends load anywhere else.
fn loopback_addr(endpoint: &str) -> anyhow::Result<SocketAddr> {
    let rest = endpoint
        .strip_prefix("http://")
        .with_context(|| format!("endpoint {endpoint} is not http://IP:PORT"))?;
    let addr: SocketAddr = rest
        .trim_end_matches('/')
        .parse()
        .with_context(|| format!("endpoint {endpoint} is not http://IP:PORT"))?;
    anyhow::ensure!(
        addr.ip().is_loopback(),
        "endpoint {endpoint} is not on loopback; the harness only loads 127.0.0.1"
    );
    Ok(addr)
}

/// A unique, name-safe tag for this run: milliseconds since the epoch, base 36.
fn run_tag() -> String {
    let mut millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let mut digits = Vec::new();
    while millis > 0 {
        digits.push(char::from_digit((millis % 36) as u32, 36).unwrap_or('0'));
        millis /= 36;
    }
    digits.push('b');
    digits.iter().rev().collect()
}

fn seconds(value: f64) -> anyhow::Result<Duration> {
    Duration::try_from_secs_f64(value).with_context(|| format!("{value} is not a duration"))
}

fn print_notes(results: &[report::RunResult]) {
    for r in results {
        for note in &r.notes {
            println!(
                "note: {} {} c={}: {note}",
                r.target, r.scenario, r.concurrency
            );
        }
    }
}

/// Prints the loud error summary, if any, and picks the exit code.
fn errors_exit(results: &[report::RunResult]) -> ExitCode {
    match report::error_summary(results) {
        Some(summary) => {
            eprint!("{summary}");
            println!("\n{summary}");
            ExitCode::from(EXIT_ERRORS)
        }
        None => ExitCode::SUCCESS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_must_be_loopback() {
        let addr = loopback_addr("http://127.0.0.1:4570/").expect("loopback");
        assert_eq!(addr.port(), 4570);
        assert!(loopback_addr("http://[::1]:80").is_ok());
        assert!(loopback_addr("http://10.0.0.1:80").is_err());
        assert!(loopback_addr("https://127.0.0.1:80").is_err());
        assert!(loopback_addr("http://localhost:80").is_err());
    }

    #[test]
    fn run_tags_are_valid_model_name_parts() {
        let tag = run_tag();
        assert!(tag.starts_with('b'));
        assert!(tag
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
    }

    #[test]
    fn cli_parses() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
