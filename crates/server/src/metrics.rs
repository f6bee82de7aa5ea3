//! Prometheus metrics, served at `GET /_sagetag/metrics`.
//!
//! The request pipeline ([`crate::service`]) reports each API request here:
//! [`Metrics::start`] when it arrives, [`InFlight::finish`] with its AWS error
//! code when it is answered. The store's numbers are read at scrape time: the
//! resource and tag counts through [`Store::counts`], and the SQLite writer's
//! batch histograms from [`SqliteStore::stats`], so the store crates need no
//! metrics library. The exposition format is OpenMetrics text, which
//! Prometheus reads natively.
//!
//! Requests to the admin endpoints (`/_sagetag/...`) are not counted: they are
//! no part of the API, and a scrape would otherwise count itself.

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode};
use http_body_util::Full;
use prometheus_client::collector::Collector;
use prometheus_client::encoding::text::{encode_eof, encode_registry};
use prometheus_client::encoding::{
    DescriptorEncoder, EncodeLabelSet, EncodeMetric, MetricEncoder, NoLabelSet,
};
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::{ConstGauge, Gauge};
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::metrics::MetricType;
use prometheus_client::registry::{Registry, Unit};

use sagetag_store::{Counts, Store};
use sagetag_store_sqlite::{SqliteStore, Stats, BATCH_SIZE_BOUNDS, COMMIT_MICROS_BOUNDS};

/// The media type of the answer.
const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Upper bounds of the request latency buckets, in seconds.
const LATENCY_BOUNDS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The operation label of a request that names no operation sagetag knows.
pub const UNKNOWN_OPERATION: &str = "unknown";

/// The labels of `sagetag_requests_total`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    /// The SageMaker operation, or [`UNKNOWN_OPERATION`].
    operation: &'static str,
    /// The AWS error code answered; empty for a success.
    error_code: &'static str,
}

/// The labels of `sagetag_request_duration_seconds`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OperationLabels {
    operation: &'static str,
}

/// The labels of `sagetag_resources`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabels {
    kind: String,
}

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BOUNDS)
}

/// The server's metrics: the live request metrics, and where the store's
/// numbers come from at scrape time.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<OperationLabels, Histogram, fn() -> Histogram>,
    in_flight: Gauge,
    sqlite: Arc<SqliteWrites>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    /// Empty metrics, registered under their names.
    pub fn new() -> Metrics {
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::new_with_constructor(latency_histogram as fn() -> Histogram);
        let in_flight = Gauge::default();
        let sqlite = Arc::new(SqliteWrites::default());

        let mut registry = Registry::default();
        registry.register(
            "sagetag_requests",
            "API requests answered, by operation and AWS error code (empty for a success)",
            requests.clone(),
        );
        registry.register_with_unit(
            "sagetag_request_duration",
            "Time from a request's arrival to its answer, by operation",
            Unit::Seconds,
            latency.clone(),
        );
        registry.register(
            "sagetag_requests_in_flight",
            "API requests being answered now",
            in_flight.clone(),
        );
        registry.register_collector(Box::new(Arc::clone(&sqlite)));
        Metrics {
            registry,
            requests,
            latency,
            in_flight,
            sqlite,
        }
    }

    /// Reports the write batches of `store` from now on. Only the first store
    /// given counts.
    pub fn watch_sqlite(&self, store: Arc<SqliteStore>) {
        let _ = self.sqlite.store.set(store);
    }

    /// Counts a request of `operation` in flight until the answer is
    /// [finished](InFlight::finish) or the request is dropped.
    pub fn start(&self, operation: &'static str) -> InFlight<'_> {
        self.in_flight.inc();
        InFlight {
            metrics: self,
            operation,
            started: Instant::now(),
        }
    }

    /// The exposition text: the request metrics, the SQLite writer's batches,
    /// and `counts` when the store gave them.
    pub fn render(&self, counts: Option<&Counts>) -> String {
        let mut text = String::new();
        // Writing to a String cannot fail, nor can these encoders otherwise.
        let _ = encode_registry(&mut text, &self.registry);
        if let Some(counts) = counts {
            let mut stored = Registry::default();
            stored.register_collector(Box::new(Stored(counts.clone())));
            let _ = encode_registry(&mut text, &stored);
        }
        let _ = encode_eof(&mut text);
        text
    }
}

/// An API request being answered.
#[must_use = "a request not finished is counted as in flight until dropped, and never counted"]
pub struct InFlight<'a> {
    metrics: &'a Metrics,
    operation: &'static str,
    started: Instant,
}

impl InFlight<'_> {
    /// Counts the answer: its error code (empty for a success) and latency.
    pub fn finish(self, error_code: &'static str) {
        let labels = RequestLabels {
            operation: self.operation,
            error_code,
        };
        self.metrics.requests.get_or_create(&labels).inc();
        let labels = OperationLabels {
            operation: self.operation,
        };
        let seconds = self.started.elapsed().as_secs_f64();
        self.metrics.latency.get_or_create(&labels).observe(seconds);
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.metrics.in_flight.dec();
    }
}

/// `GET /_sagetag/metrics`: the metrics, with the store's counts read now.
/// A store that cannot count leaves those out; the rest is still served.
pub async fn scrape(metrics: &Metrics, store: &dyn Store) -> Response<Full<Bytes>> {
    let counts = match store.counts().await {
        Ok(counts) => counts,
        Err(err) => {
            tracing::warn!(error = %err, "cannot count resources for metrics");
            None
        }
    };
    let text = metrics.render(counts.as_ref());
    let mut response = Response::new(Full::new(Bytes::from(text)));
    *response.status_mut() = StatusCode::OK;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static(OPENMETRICS),
    );
    response
}

/// The SQLite writer's batch histograms, read from its counters at each scrape.
#[derive(Debug, Default)]
struct SqliteWrites {
    store: OnceLock<Arc<SqliteStore>>,
}

impl Collector for SqliteWrites {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let Some(store) = self.store.get() else {
            return Ok(());
        };
        let stats = store.stats();

        let sizes = buckets(&BATCH_SIZE_BOUNDS, &stats.batch_sizes, 1.0);
        let metric = encoder.encode_descriptor(
            "sagetag_store_batch_size",
            "Write jobs per SQLite transaction (group commit).",
            None,
            MetricType::Histogram,
        )?;
        histogram(metric, stats.jobs as f64, &sizes)?;

        let times = buckets(&COMMIT_MICROS_BOUNDS, &stats.commit_micros, 1e6);
        let metric = encoder.encode_descriptor(
            "sagetag_store_commit_duration",
            "Time of each committed SQLite write transaction, BEGIN to the end of COMMIT.",
            Some(&Unit::Seconds),
            MetricType::Histogram,
        )?;
        histogram(metric, stats.commit_micros_total as f64 / 1e6, &times)?;

        commits(&mut encoder, &stats)
    }
}

fn commits(encoder: &mut DescriptorEncoder, stats: &Stats) -> Result<(), std::fmt::Error> {
    let counter = ConstCounter::new(stats.commits);
    let metric = encoder.encode_descriptor(
        "sagetag_store_commits",
        "SQLite write transactions committed, each one sync of the WAL.",
        None,
        counter.metric_type(),
    )?;
    counter.encode(metric)
}

/// Pairs each bucket's upper bound, divided by `unit`, with its own (not
/// cumulative) count; counts past the bounds go to `+Inf`.
fn buckets(bounds: &[u64], counts: &[u64], unit: f64) -> Vec<(f64, u64)> {
    let mut pairs: Vec<(f64, u64)> = bounds
        .iter()
        .zip(counts)
        .map(|(&bound, &count)| (bound as f64 / unit, count))
        .collect();
    let overflow = counts.get(bounds.len()..).unwrap_or_default().iter().sum();
    pairs.push((f64::INFINITY, overflow));
    pairs
}

fn histogram(
    mut metric: MetricEncoder<'_>,
    sum: f64,
    buckets: &[(f64, u64)],
) -> Result<(), std::fmt::Error> {
    let count = buckets.iter().map(|(_, n)| n).sum();
    metric.encode_histogram::<NoLabelSet>(sum, count, buckets, None)
}

/// The store's counts as gauges.
#[derive(Debug)]
struct Stored(Counts);

impl Collector for Stored {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let mut metric = encoder.encode_descriptor(
            "sagetag_resources",
            "Resources stored, by kind, over every account and region.",
            None,
            MetricType::Gauge,
        )?;
        for (kind, n) in &self.0.resources {
            let labels = KindLabels { kind: kind.clone() };
            ConstGauge::new(saturating_i64(*n)).encode(metric.encode_family(&labels)?)?;
        }

        let tags = ConstGauge::new(saturating_i64(self.0.tags));
        let metric = encoder.encode_descriptor(
            "sagetag_tags",
            "Tags stored on all resources together.",
            None,
            tags.metric_type(),
        )?;
        tags.encode(metric)
    }
}

fn saturating_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_by_operation_and_error_code() {
        let metrics = Metrics::new();
        metrics.start("AddTags").finish("");
        metrics.start("AddTags").finish("ValidationException");
        let pending = metrics.start("ListTags");
        let text = metrics.render(None);
        assert!(text.contains("# TYPE sagetag_requests counter"), "{text}");
        assert!(
            text.contains("sagetag_requests_total{operation=\"AddTags\",error_code=\"\"} 1"),
            "{text}"
        );
        assert!(text.contains(
            "sagetag_requests_total{operation=\"AddTags\",error_code=\"ValidationException\"} 1"
        ));
        assert!(text.contains("sagetag_requests_in_flight 1"), "{text}");
        assert!(text.contains("sagetag_request_duration_seconds_count{operation=\"AddTags\"} 2"));
        assert!(text.ends_with("# EOF\n"), "{text}");
        drop(pending);
        assert!(metrics
            .render(None)
            .contains("sagetag_requests_in_flight 0"));
    }

    #[test]
    fn counts_become_gauges() {
        let counts = Counts {
            resources: vec![("endpoint".into(), 2), ("model".into(), 3)],
            tags: 7,
        };
        let text = Metrics::new().render(Some(&counts));
        assert!(text.contains("# TYPE sagetag_resources gauge"), "{text}");
        assert!(
            text.contains("sagetag_resources{kind=\"model\"} 3"),
            "{text}"
        );
        assert!(text.contains("sagetag_tags 7"), "{text}");
        assert_eq!(text.matches("# EOF").count(), 1);
    }

    #[test]
    fn histogram_buckets_end_with_infinity() {
        let pairs = buckets(&[1, 2], &[4, 5, 6], 2.0);
        assert_eq!(pairs, vec![(0.5, 4), (1.0, 5), (f64::INFINITY, 6)]);
        let pairs = buckets(&[1, 2], &[4, 5], 1.0);
        assert_eq!(pairs.last(), Some(&(f64::INFINITY, 0)));
    }
}
