//! Running one scenario at a fixed concurrency: warm-up, then a measured window.
//!
//! Each worker owns one connection and keeps exactly one request in flight. A
//! request counts towards throughput and latency when it started inside the
//! measured window and finished before it closed; every wrong answer counts as
//! an error, whenever it came.

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use hdrhistogram::Histogram;
use tokio::time::Instant;

use crate::client::Connection;
use crate::procstat::{self, CpuMeter};
use crate::report::{Latency, RunResult};
use crate::scenario::{Plan, Worker};
use crate::signer::Signer;

/// Error samples kept per worker, and per run.
const ERROR_SAMPLES: usize = 3;

/// Slowest latency the histograms hold; slower requests are clamped to it.
const MAX_LATENCY_NANOS: u64 = 120_000_000_000;

/// Pause after a failed request, so that a dead server does not turn the load
/// generator into a busy loop.
const ERROR_PAUSE: Duration = Duration::from_millis(5);

/// How one run is shaped.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// The server's label in reports.
    pub target: String,
    /// Workers, each with its own connection and one request in flight.
    pub concurrency: usize,
    /// Time before measuring starts.
    pub warmup: Duration,
    /// Time measured.
    pub duration: Duration,
    /// The server's process id, to report its CPU use.
    pub server_pid: Option<u32>,
}

/// When measuring starts and ends.
#[derive(Clone, Copy, Debug)]
struct Window {
    measure_from: Instant,
    end: Instant,
}

/// Counters the progress line reads while the workers run.
#[derive(Debug, Default)]
struct Live {
    done: AtomicU64,
    errors: AtomicU64,
}

/// What one worker brings back.
struct Tally {
    histogram: Histogram<u64>,
    errors: u64,
    samples: Vec<String>,
    connections: u64,
}

/// Runs `plan` against the server at `addr` and measures it.
///
/// # Errors
/// Only when a worker task cannot be joined or a histogram cannot be made;
/// failed requests are counted, not returned.
pub async fn run(
    signer: Arc<Signer>,
    addr: SocketAddr,
    plan: Arc<Plan>,
    options: &RunOptions,
) -> anyhow::Result<RunResult> {
    let start = Instant::now();
    let window = Window {
        measure_from: start + options.warmup,
        end: start + options.warmup + options.duration,
    };
    let live = Arc::new(Live::default());

    let mut workers = Vec::with_capacity(options.concurrency);
    for id in 0..options.concurrency {
        let (signer, plan, live) = (Arc::clone(&signer), Arc::clone(&plan), Arc::clone(&live));
        workers.push(tokio::spawn(work(id, signer, addr, plan, window, live)));
    }
    let progress = std::io::stderr().is_terminal().then(|| {
        tokio::spawn(show_progress(
            plan.scenario().name(),
            options.clone(),
            window,
            Arc::clone(&live),
        ))
    });

    tokio::time::sleep_until(window.measure_from).await;
    let client_cpu = CpuMeter::start(None);
    let server_cpu = options.server_pid.map(|pid| CpuMeter::start(Some(pid)));
    let written_before = options.server_pid.and_then(procstat::written_bytes);
    tokio::time::sleep_until(window.end).await;
    let client_cpu = client_cpu.share();
    let server_cpu = server_cpu.and_then(|meter| meter.share());
    let written = options
        .server_pid
        .and_then(procstat::written_bytes)
        .zip(written_before)
        .map(|(after, before)| after.saturating_sub(before));

    let mut histogram = new_histogram()?;
    let (mut errors, mut samples, mut connections) = (0, Vec::new(), 0);
    for worker in workers {
        let tally = worker.await.context("a worker panicked")??;
        histogram
            .add(&tally.histogram)
            .context("cannot merge histograms")?;
        errors += tally.errors;
        connections += tally.connections;
        samples.extend(tally.samples);
    }
    samples.truncate(ERROR_SAMPLES);
    if let Some(progress) = progress {
        progress.abort();
        eprint!("\r\x1b[2K");
    }

    let seconds = options.duration.as_secs_f64();
    Ok(RunResult {
        target: options.target.clone(),
        scenario: plan.scenario().name().to_owned(),
        concurrency: options.concurrency,
        warmup_s: options.warmup.as_secs_f64(),
        duration_s: seconds,
        requests: histogram.len(),
        rps: histogram.len() as f64 / seconds,
        latency_ms: Latency::from_nanos(&histogram),
        errors,
        error_samples: samples,
        connections,
        client_cpu,
        server_cpu,
        server_written_bytes: written,
        server_rss_kib: options
            .server_pid
            .and_then(procstat::resident_kib)
            .map(|(rss, _)| rss),
        load_average: procstat::load_average(),
        notes: plan.note().into_iter().collect(),
    })
}

/// One worker: request, check, record, until the window closes.
async fn work(
    id: usize,
    signer: Arc<Signer>,
    addr: SocketAddr,
    plan: Arc<Plan>,
    window: Window,
    live: Arc<Live>,
) -> anyhow::Result<Tally> {
    let mut tally = Tally {
        histogram: new_histogram()?,
        errors: 0,
        samples: Vec::new(),
        connections: 0,
    };
    let mut connection = Connection::new(addr);
    let mut worker = Worker::new(id);
    loop {
        let started = Instant::now();
        if started >= window.end {
            break;
        }
        let (call, expect) = plan.next(&mut worker);
        let outcome = match signer.request(&call) {
            Ok(request) => match connection.send(request).await {
                Ok(reply) => expect.check(&reply),
                Err(err) => Err(format!("{err:#}")),
            },
            Err(err) => Err(format!("{err:#}")),
        };
        let finished = Instant::now();

        match outcome {
            Ok(()) if started >= window.measure_from && finished <= window.end => {
                let nanos = u64::try_from((finished - started).as_nanos()).unwrap_or(u64::MAX);
                tally
                    .histogram
                    .saturating_record(nanos.min(MAX_LATENCY_NANOS));
                live.done.fetch_add(1, Ordering::Relaxed);
            }
            Ok(()) => {}
            Err(why) => {
                tally.errors += 1;
                live.errors.fetch_add(1, Ordering::Relaxed);
                if tally.samples.len() < ERROR_SAMPLES {
                    tally.samples.push(format!("{}: {why}", call.operation));
                }
                tokio::time::sleep(ERROR_PAUSE).await;
            }
        }
    }
    tally.connections = connection.opened();
    Ok(tally)
}

fn new_histogram() -> anyhow::Result<Histogram<u64>> {
    Histogram::new_with_bounds(1_000, MAX_LATENCY_NANOS, 3).context("cannot make a histogram")
}

/// A one-line progress display on stderr, redrawn twice a second.
async fn show_progress(
    scenario: &'static str,
    options: RunOptions,
    window: Window,
    live: Arc<Live>,
) {
    let mut tick = tokio::time::interval(Duration::from_millis(500));
    let mut last = (Instant::now(), 0u64);
    loop {
        tick.tick().await;
        let now = Instant::now();
        let done = live.done.load(Ordering::Relaxed);
        let rate = (done - last.1) as f64 / (now - last.0).as_secs_f64().max(1e-3);
        last = (now, done);
        let phase = if now < window.measure_from {
            let left = (window.measure_from - now).as_secs_f64();
            format!("warm-up, {left:.0} s left")
        } else {
            let left = window.end.saturating_duration_since(now).as_secs_f64();
            format!("measuring, {left:.0} s left, {done} ok, {rate:.0} req/s")
        };
        let errors = live.errors.load(Ordering::Relaxed);
        let mut stderr = std::io::stderr().lock();
        let _ = write!(
            stderr,
            "\r\x1b[2K{} {scenario} c={}: {phase}, {errors} errors",
            options.target, options.concurrency
        );
        let _ = stderr.flush();
    }
}
