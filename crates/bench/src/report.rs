//! Results: what one run measured, kept as JSON lines, printed as Markdown
//! tables (readable on a terminal, pasteable into `BENCHMARKS.md`).

use std::fmt::Write as _;
use std::io::{BufRead, Write as _};
use std::path::Path;

use anyhow::Context;
use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

use crate::ceiling::CeilingResult;

/// What one scenario at one concurrency measured against one server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunResult {
    /// The server's label, e.g. `sagetag` or `moto`.
    pub target: String,
    /// The scenario's name.
    pub scenario: String,
    /// Requests in flight at once (one per connection).
    pub concurrency: usize,
    /// Seconds of warm-up, not measured.
    pub warmup_s: f64,
    /// Seconds measured.
    pub duration_s: f64,
    /// Successful requests that started and finished inside the measured window.
    pub requests: u64,
    /// `requests` per measured second.
    pub rps: f64,
    /// Latency percentiles and extremes of those requests, in milliseconds.
    pub latency_ms: Latency,
    /// Answers that were not the expected ones, warm-up included.
    pub errors: u64,
    /// The first few of those, as one line each.
    pub error_samples: Vec<String>,
    /// TCP connections opened, warm-up included (concurrency, if kept alive).
    pub connections: u64,
    /// CPU of the load generator over the measured window, in cores.
    pub client_cpu: Option<f64>,
    /// CPU of the server over the measured window, in cores (with `--server-pid`).
    pub server_cpu: Option<f64>,
    /// Bytes the server wrote to storage during the measured window.
    #[serde(default)]
    pub server_written_bytes: Option<u64>,
    /// The server's resident memory at the end of the run, in KiB (VmRSS).
    #[serde(default)]
    pub server_rss_kib: Option<u64>,
    /// 1-minute load average at the end of the run.
    pub load_average: Option<f64>,
    /// Remarks the numbers do not show.
    pub notes: Vec<String>,
}

/// Latency summary in milliseconds.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    /// Median.
    pub p50: f64,
    /// 99th percentile.
    pub p99: f64,
    /// 99.9th percentile.
    pub p999: f64,
    /// Slowest request.
    pub max: f64,
    /// Arithmetic mean.
    pub mean: f64,
}

impl Latency {
    /// The summary of a histogram of nanoseconds.
    pub fn from_nanos(histogram: &Histogram<u64>) -> Latency {
        if histogram.is_empty() {
            return Latency::default();
        }
        let ms = |nanos: u64| nanos as f64 / 1e6;
        Latency {
            p50: ms(histogram.value_at_quantile(0.50)),
            p99: ms(histogram.value_at_quantile(0.99)),
            p999: ms(histogram.value_at_quantile(0.999)),
            max: ms(histogram.max()),
            mean: histogram.mean() / 1e6,
        }
    }
}

/// Appends `result` as one JSON line to `path`, creating it if needed.
///
/// # Errors
/// When the file cannot be opened or written.
pub fn append(path: &Path, result: &RunResult) -> anyhow::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    let line = serde_json::to_string(result)?;
    writeln!(file, "{line}").with_context(|| format!("cannot write {}", path.display()))
}

/// Reads every result of a JSON-lines file.
///
/// # Errors
/// When the file cannot be read or a line is not a result.
pub fn read(path: &Path) -> anyhow::Result<Vec<RunResult>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut results = Vec::new();
    for (number, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let result = serde_json::from_str(&line)
            .with_context(|| format!("{}:{}: not a result", path.display(), number + 1))?;
        results.push(result);
    }
    Ok(results)
}

/// The results as a Markdown table, one row per run.
pub fn table(results: &[RunResult]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| target | scenario | conc | requests | req/s | p50 ms | p99 ms | p99.9 ms \
         | max ms | errors | cpu gen | cpu srv | srv µs cpu/req | srv KiB written/req \
         | srv RSS MiB | load |"
    );
    let _ = writeln!(
        out,
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
    );
    for r in results {
        let l = &r.latency_ms;
        let cells = [
            r.target.clone(),
            r.scenario.clone(),
            r.concurrency.to_string(),
            r.requests.to_string(),
            format!("{:.0}", r.rps),
            format!("{:.3}", l.p50),
            format!("{:.3}", l.p99),
            format!("{:.3}", l.p999),
            format!("{:.3}", l.max),
            r.errors.to_string(),
            optional(r.client_cpu, 2),
            optional(r.server_cpu, 2),
            optional(cpu_per_request(r), 0),
            optional(written_per_request(r), 1),
            optional(r.server_rss_kib.map(|kib| kib as f64 / 1024.0), 1),
            optional(r.load_average, 2),
        ];
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out
}

/// The loud part: one line per run that had errors, with its samples.
pub fn error_summary(results: &[RunResult]) -> Option<String> {
    let failed: Vec<&RunResult> = results.iter().filter(|r| r.errors > 0).collect();
    if failed.is_empty() {
        return None;
    }
    let mut out =
        String::from("!!! ERRORS: these runs got answers that were not the expected ones\n");
    for r in failed {
        let _ = writeln!(
            out,
            "!!! {} {} c={}: {} errors",
            r.target, r.scenario, r.concurrency, r.errors
        );
        for sample in &r.error_samples {
            let _ = writeln!(out, "!!!     {sample}");
        }
    }
    Some(out)
}

/// `candidate / baseline` per scenario and concurrency, as a Markdown table.
/// When a pair ran more than once, the last run of each counts.
pub fn comparison(results: &[RunResult], candidate: &str, baseline: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| scenario | conc | {candidate} req/s | {baseline} req/s | req/s ratio | \
         {candidate} p99 ms | {baseline} p99 ms | p99 ratio | errors |"
    );
    let _ = writeln!(out, "|---|--:|--:|--:|--:|--:|--:|--:|--:|");
    for (scenario, concurrency) in pairs(results) {
        let find = |target: &str| {
            results.iter().rev().find(|r| {
                r.target == target && r.scenario == scenario && r.concurrency == concurrency
            })
        };
        let (Some(c), Some(b)) = (find(candidate), find(baseline)) else {
            continue;
        };
        let ratio = |c: f64, b: f64| {
            if b > 0.0 {
                format!("{:.2}×", c / b)
            } else {
                "–".to_owned()
            }
        };
        let _ = writeln!(
            out,
            "| {scenario} | {concurrency} | {:.0} | {:.0} | {} | {:.3} | {:.3} | {} | {} |",
            c.rps,
            b.rps,
            ratio(c.rps, b.rps),
            c.latency_ms.p99,
            b.latency_ms.p99,
            ratio(c.latency_ms.p99, b.latency_ms.p99),
            c.errors + b.errors,
        );
    }
    out
}

/// The candidate's AddTags throughput at the highest concurrency as a share of
/// the SQLite group-commit ceiling.
pub fn ceiling_share(results: &[RunResult], candidate: &str, ceiling: &CeilingResult) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| scenario | conc | {candidate} req/s | ceiling (b) rows/s | share of (b) |"
    );
    let _ = writeln!(out, "|---|--:|--:|--:|--:|");
    for r in results.iter().filter(|r| {
        r.target == candidate && r.scenario.starts_with("add-tags") && r.concurrency >= 64
    }) {
        let _ = writeln!(
            out,
            "| {} | {} | {:.0} | {:.0} | {:.1}% |",
            r.scenario,
            r.concurrency,
            r.rps,
            ceiling.batched_best_rows_per_s,
            100.0 * r.rps / ceiling.batched_best_rows_per_s.max(f64::MIN_POSITIVE),
        );
    }
    out
}

/// Distinct `(scenario, concurrency)` pairs in first-seen order.
fn pairs(results: &[RunResult]) -> Vec<(String, usize)> {
    let mut seen: Vec<(String, usize)> = Vec::new();
    for r in results {
        let pair = (r.scenario.clone(), r.concurrency);
        if !seen.contains(&pair) {
            seen.push(pair);
        }
    }
    seen
}

/// Microseconds of server CPU per successful request in the measured window:
/// unlike throughput, this barely moves when other processes share the core.
fn cpu_per_request(r: &RunResult) -> Option<f64> {
    let cores = r.server_cpu?;
    (r.requests > 0).then(|| cores * r.duration_s * 1e6 / r.requests as f64)
}

/// KiB the server wrote per successful request in the measured window.
fn written_per_request(r: &RunResult) -> Option<f64> {
    let bytes = r.server_written_bytes?;
    (r.requests > 0).then(|| bytes as f64 / 1024.0 / r.requests as f64)
}

fn optional(value: Option<f64>, decimals: usize) -> String {
    value.map_or_else(|| "–".to_owned(), |v| format!("{v:.decimals$}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(target: &str, scenario: &str, concurrency: usize, rps: f64) -> RunResult {
        RunResult {
            target: target.to_owned(),
            scenario: scenario.to_owned(),
            concurrency,
            warmup_s: 2.0,
            duration_s: 10.0,
            requests: (rps * 10.0) as u64,
            rps,
            latency_ms: Latency {
                p50: 0.25,
                p99: 1.5,
                p999: 2.25,
                max: 10.0,
                mean: 0.3,
            },
            errors: 0,
            error_samples: Vec::new(),
            connections: concurrency as u64,
            client_cpu: Some(0.5),
            server_cpu: None,
            server_written_bytes: None,
            server_rss_kib: Some(40 * 1024),
            load_average: Some(1.25),
            notes: Vec::new(),
        }
    }

    #[test]
    fn percentiles_come_from_the_histogram_in_milliseconds() {
        let mut h = Histogram::<u64>::new_with_bounds(1, 60_000_000_000, 3).expect("histogram");
        for micros in 1..=1000u64 {
            h.record(micros * 1000).expect("record");
        }
        let l = Latency::from_nanos(&h);
        assert!((l.p50 - 0.5).abs() < 0.001, "{l:?}");
        assert!((l.p99 - 0.99).abs() < 0.001, "{l:?}");
        assert!((l.p999 - 0.999).abs() < 0.001, "{l:?}");
        assert!((l.max - 1.0).abs() < 0.001, "{l:?}");
        assert_eq!(
            Latency::from_nanos(&Histogram::new(3).expect("h")),
            Latency::default()
        );
    }

    #[test]
    fn table_row_formats_every_column() {
        let table = table(&[result("sagetag", "list-tags-50", 64, 12345.6)]);
        let row = table.lines().nth(2).expect("row");
        assert_eq!(
            row,
            "| sagetag | list-tags-50 | 64 | 123456 | 12346 | 0.250 | 1.500 | 2.250 | 10.000 \
             | 0 | 0.50 | – | – | – | 40.0 | 1.25 |"
        );
    }

    #[test]
    fn comparison_divides_candidate_by_baseline() {
        let results = [
            result("sagetag", "mix", 16, 9000.0),
            result("moto", "mix", 16, 300.0),
            result("sagetag", "churn", 1, 10.0),
        ];
        let table = comparison(&results, "sagetag", "moto");
        let rows: Vec<&str> = table.lines().skip(2).collect();
        assert_eq!(
            rows,
            ["| mix | 16 | 9000 | 300 | 30.00× | 1.500 | 1.500 | 1.00× | 0 |"]
        );
    }

    #[test]
    fn errors_are_summarised_loudly() {
        let mut bad = result("moto", "mix", 1, 1.0);
        bad.errors = 2;
        bad.error_samples = vec!["HTTP 500: boom".to_owned()];
        assert!(error_summary(&[result("a", "b", 1, 1.0)]).is_none());
        let summary = error_summary(&[bad]).expect("summary");
        assert!(summary.contains("moto mix c=1: 2 errors"));
        assert!(summary.contains("HTTP 500: boom"));
    }

    #[test]
    fn results_round_trip_through_json_lines() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("r.jsonl");
        let first = result("sagetag", "mix", 1, 1.0);
        append(&path, &first).expect("append");
        append(&path, &result("moto", "mix", 1, 2.0)).expect("append");
        let read = read(&path).expect("read");
        assert_eq!(read.len(), 2);
        assert_eq!(read[0], first);
    }
}
