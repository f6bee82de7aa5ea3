//! Who is calling, and what every operation may use.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use sagetag_store::{Scope, Store};

/// The authenticated caller of one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    /// Account the signing key belongs to.
    pub account: String,
    /// Region from the SigV4 credential scope.
    pub region: String,
}

impl Caller {
    /// The ARN partition of the caller's region (`sagemaker-tagging.md` §7).
    pub fn partition(&self) -> &'static str {
        partition_of(&self.region)
    }

    /// The store scope of this caller.
    pub fn scope(&self) -> Scope {
        Scope {
            account: self.account.clone(),
            region: self.region.clone(),
        }
    }
}

/// The partition a region belongs to: `aws-cn` for China, `aws-us-gov` for
/// GovCloud, `aws` for the rest.
pub fn partition_of(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// A source of wall-clock time, injected so tests can drive it.
pub trait Clock: Send + Sync + 'static {
    /// Now, as seconds since the Unix epoch with a fraction.
    fn now(&self) -> f64;
}

/// The real clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> f64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0)
    }
}

/// What operations run against: the store and the clock.
#[derive(Clone)]
pub struct Ctx {
    /// The store every operation reads and writes.
    pub store: Arc<dyn Store>,
    /// The clock that stamps creation and modification times.
    pub clock: Arc<dyn Clock>,
    /// How long each lifecycle step takes, in seconds; 0 settles them at once
    /// (`serve --lifecycle-seconds`).
    pub step_seconds: f64,
}

impl Ctx {
    /// Epoch seconds now, rounded to milliseconds as SageMaker prints them.
    pub fn now(&self) -> f64 {
        (self.clock.now() * 1000.0).round() / 1000.0
    }
}

/// A clock that moves only when told to: for deterministic lifecycle tests.
#[derive(Debug, Default)]
pub struct ManualClock {
    bits: std::sync::atomic::AtomicU64,
}

impl ManualClock {
    /// A clock showing `now` (epoch seconds).
    pub fn new(now: f64) -> Self {
        ManualClock {
            bits: std::sync::atomic::AtomicU64::new(now.to_bits()),
        }
    }

    /// Moves the clock forward by `seconds`.
    pub fn advance(&self, seconds: f64) {
        let now = self.now() + seconds;
        self.bits
            .store(now.to_bits(), std::sync::atomic::Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> f64 {
        f64::from_bits(self.bits.load(std::sync::atomic::Ordering::SeqCst))
    }
}
