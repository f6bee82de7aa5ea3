//! Per-account request rate limits (`--rate-limit`, `--rate-burst`).
//!
//! One token bucket per account, in this server's memory: each bucket holds at
//! most `burst` tokens, refills at `per_second` tokens a second, and every
//! authenticated API request takes one. A request that finds less than one
//! token is answered `ThrottlingException` `Rate exceeded` (HTTP 400), the
//! answer SageMaker gives (`sagemaker-tagging.md` §2, §6, O21), which SDKs retry
//! with backoff. The check runs after SigV4, when the account is known, and
//! before the operation, so a throttled request changes nothing.
//!
//! Buckets are kept for every account that has made a request. Only
//! authenticated callers reach the limiter, so their number is bounded by the
//! keys in the credentials file (one account in development mode). With several
//! servers behind a balancer each enforces its own limit.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

/// A rate limit as configured.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RateLimit {
    /// Tokens added per second: the sustained request rate.
    pub per_second: f64,
    /// Bucket size: how many requests may arrive at once after a quiet spell.
    pub burst: u32,
}

/// A request refused because its account is over its rate.
#[derive(Debug, thiserror::Error)]
#[error("Rate exceeded")]
pub struct Throttled;

/// The buckets of every account seen so far.
#[derive(Debug)]
pub struct RateLimiter {
    limit: RateLimit,
    buckets: Mutex<HashMap<String, Bucket>>,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    refilled_at: Instant,
}

impl RateLimiter {
    /// A limiter with no bucket yet; an account's first request finds a full one.
    pub fn new(limit: RateLimit) -> Self {
        RateLimiter {
            limit,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token from `account`'s bucket.
    ///
    /// # Errors
    /// [`Throttled`] when the bucket holds less than one token.
    pub fn check(&self, account: &str) -> Result<(), Throttled> {
        self.check_at(account, Instant::now())
    }

    /// [`RateLimiter::check`] at a given instant, so tests need no sleeping.
    fn check_at(&self, account: &str, now: Instant) -> Result<(), Throttled> {
        // A panic elsewhere while holding the lock leaves the counts usable.
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        let burst = f64::from(self.limit.burst);
        let bucket = match buckets.get_mut(account) {
            Some(bucket) => bucket,
            None => buckets.entry(account.to_owned()).or_insert(Bucket {
                tokens: burst,
                refilled_at: now,
            }),
        };

        // Threads read the clock before taking the lock, so `now` may be a
        // little behind the last refill; then nothing is added.
        let elapsed = now.saturating_duration_since(bucket.refilled_at);
        bucket.tokens = (bucket.tokens + elapsed.as_secs_f64() * self.limit.per_second).min(burst);
        bucket.refilled_at = bucket.refilled_at.max(now);

        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Throttled)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn limiter(per_second: f64, burst: u32) -> RateLimiter {
        RateLimiter::new(RateLimit { per_second, burst })
    }

    fn allowed(limiter: &RateLimiter, account: &str, at: Instant, tries: usize) -> usize {
        (0..tries)
            .filter(|_| limiter.check_at(account, at).is_ok())
            .count()
    }

    #[test]
    fn a_full_bucket_allows_the_burst_then_refuses() {
        let limiter = limiter(2.0, 5);
        let t0 = Instant::now();
        assert_eq!(allowed(&limiter, "111111111111", t0, 20), 5);
        assert!(limiter.check_at("111111111111", t0).is_err());
    }

    #[test]
    fn tokens_come_back_at_the_rate_and_never_beyond_the_burst() {
        let limiter = limiter(2.0, 3);
        let t0 = Instant::now();
        assert_eq!(allowed(&limiter, "a", t0, 3), 3);
        // Half a second at 2/s is one token.
        assert_eq!(
            allowed(&limiter, "a", t0 + Duration::from_millis(500), 5),
            1
        );
        // A long quiet spell refills only up to the burst.
        assert_eq!(
            allowed(&limiter, "a", t0 + Duration::from_secs(3600), 10),
            3
        );
    }

    #[test]
    fn fractional_rates_accumulate() {
        let limiter = limiter(0.5, 1);
        let t0 = Instant::now();
        assert!(limiter.check_at("a", t0).is_ok());
        assert!(limiter.check_at("a", t0 + Duration::from_secs(1)).is_err());
        assert!(limiter.check_at("a", t0 + Duration::from_secs(2)).is_ok());
    }

    #[test]
    fn accounts_have_their_own_buckets() {
        let limiter = limiter(1.0, 2);
        let t0 = Instant::now();
        assert_eq!(allowed(&limiter, "alice", t0, 10), 2);
        assert_eq!(allowed(&limiter, "bob", t0, 10), 2);
        assert!(limiter.check_at("alice", t0).is_err());
    }

    #[test]
    fn an_earlier_instant_adds_nothing_and_does_not_rewind() {
        let limiter = limiter(1.0, 1);
        let t0 = Instant::now() + Duration::from_secs(10);
        assert!(limiter.check_at("a", t0).is_ok());
        assert!(limiter.check_at("a", t0 - Duration::from_secs(5)).is_err());
        // Had the refill time moved back to t0 - 5 s, this would pass.
        assert!(limiter
            .check_at("a", t0 + Duration::from_millis(500))
            .is_err());
        assert!(limiter.check_at("a", t0 + Duration::from_secs(1)).is_ok());
    }

    #[test]
    fn the_error_reads_as_aws_writes_it() {
        assert_eq!(Throttled.to_string(), "Rate exceeded");
    }
}
