//! Running a piece of work against the pool until it succeeds, fails for good,
//! or runs out of tries.
//!
//! A transaction that meets a serialization failure or a deadlock (SQLSTATE
//! `40001`, `40P01`) has changed nothing, so it is run again from the start on
//! a fresh transaction, after a jittered, growing pause, at most
//! [`MAX_ATTEMPTS`] times. Nothing else is retried here: a refusal of the
//! contract (NotFound, StepGone…) is the answer, and a lost connection is
//! [`Error::Unavailable`] for the client to retry. A connection lost during
//! COMMIT leaves the outcome unknown, which is exactly what a 503 tells an AWS
//! client.
//!
//! Every attempt runs under [`ATTEMPT_TIMEOUT`], so a database that stops
//! answering (a network partition, a frozen server) turns into 503s rather
//! than requests that hang.

use std::future::Future;
use std::time::Duration;

use deadpool_postgres::{Object, Pool, Transaction};
use sagetag_store::Error;
use tokio_postgres::IsolationLevel;

use crate::errors::{self, Class, Fault};

/// Tries per call, the first included.
pub(crate) const MAX_ATTEMPTS: u32 = 12;

/// The pause before the first retry; each later one doubles, up to
/// [`MAX_BACKOFF`].
const BASE_BACKOFF: Duration = Duration::from_millis(2);

/// The longest pause between two tries.
const MAX_BACKOFF: Duration = Duration::from_millis(250);

/// How long one attempt may take, from asking the pool for a connection to
/// the end of COMMIT.
pub(crate) const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs `$body` inside a transaction at `$isolation` and commits it, again
/// from the start after a serialization failure or a deadlock; evaluates to
/// `Result<T, store::Error>`.
///
/// `$body` is an expression that uses the transaction named `$tx` and gives a
/// future of `Result<T, Fault>`. It may leave partial changes behind when it
/// fails: the transaction is then rolled back (dropping it does that), which
/// is what makes each write all-or-nothing. Errors: `$body`'s refusal as it
/// is; [`Error::Unavailable`] when no connection can be had, the connection
/// breaks, the attempt times out, or the retries run out;
/// [`Error::AlreadyExists`] for a unique violation; [`Error::Internal`] for
/// anything else.
///
/// A macro rather than a function taking a closure: the body borrows the
/// caller's arguments for as long as it runs, which a closure returning a
/// future cannot express while keeping the future `Send`.
macro_rules! transaction {
    ($pool:expr, $isolation:expr, |$tx:ident| $body:expr) => {{
        let mut attempts = $crate::retry::Attempts::default();
        loop {
            let attempt = async {
                let mut client = $crate::retry::client($pool).await?;
                let transaction = $crate::retry::begin(&mut client, $isolation).await?;
                let value = {
                    let $tx = &transaction;
                    $body.await?
                };
                transaction.commit().await?;
                Ok::<_, $crate::errors::Fault>(value)
            };
            if let Some(outcome) = attempts.settle(attempt).await {
                break outcome;
            }
        }
    }};
}

/// Runs `$body` on a pooled connection named `$client`, outside any explicit
/// transaction: each statement sees one consistent snapshot. Retried like
/// [`transaction!`] (CockroachDB may fail even a read with `40001`).
macro_rules! read {
    ($pool:expr, |$client:ident| $body:expr) => {{
        let mut attempts = $crate::retry::Attempts::default();
        loop {
            let attempt = async {
                let $client = $crate::retry::client($pool).await?;
                let $client = &$client;
                $body.await
            };
            if let Some(outcome) = attempts.settle(attempt).await {
                break outcome;
            }
        }
    }};
}

pub(crate) use {read, transaction};

/// A connection from the pool.
///
/// # Errors
/// [`Error::Unavailable`] when none can be had in time.
pub(crate) async fn client(pool: &Pool) -> Result<Object, Fault> {
    pool.get()
        .await
        .map_err(|err| Fault::Store(errors::pool(err)))
}

/// Starts a transaction at `isolation`.
///
/// # Errors
/// Only database failures.
pub(crate) async fn begin(
    client: &mut Object,
    isolation: IsolationLevel,
) -> Result<Transaction<'_>, Fault> {
    let tx = client
        .build_transaction()
        .isolation_level(isolation)
        .start()
        .await?;
    Ok(tx)
}

/// The tries of one call so far.
#[derive(Debug)]
pub(crate) struct Attempts {
    attempt: u32,
}

impl Default for Attempts {
    fn default() -> Self {
        Attempts { attempt: 1 }
    }
}

impl Attempts {
    /// Awaits one attempt under [`ATTEMPT_TIMEOUT`] and says what it comes
    /// to: `Some` outcome to return, or `None` after a pause, to try again.
    pub(crate) async fn settle<T>(
        &mut self,
        attempt: impl Future<Output = Result<T, Fault>>,
    ) -> Option<Result<T, Error>> {
        match deadline(attempt).await {
            Err(Fault::Db(err)) if again(&err, self.attempt) => {
                pause(self.attempt, &err).await;
                self.attempt += 1;
                None
            }
            outcome => Some(outcome.map_err(Fault::into_error)),
        }
    }
}

/// Bounds one attempt by [`ATTEMPT_TIMEOUT`].
async fn deadline<T>(attempt: impl Future<Output = Result<T, Fault>>) -> Result<T, Fault> {
    match tokio::time::timeout(ATTEMPT_TIMEOUT, attempt).await {
        Ok(outcome) => outcome,
        Err(_) => Err(Fault::Store(Error::Unavailable(format!(
            "PostgreSQL did not answer within {} seconds",
            ATTEMPT_TIMEOUT.as_secs()
        )))),
    }
}

/// Whether a failed attempt should be run again.
fn again(err: &tokio_postgres::Error, attempt: u32) -> bool {
    errors::classify(err) == Class::Retry && attempt < MAX_ATTEMPTS
}

/// Sleeps before retry number `attempt`.
async fn pause(attempt: u32, err: &tokio_postgres::Error) {
    let wait = backoff(attempt);
    tracing::debug!(
        attempt,
        wait_ms = wait.as_millis() as u64,
        error = %errors::describe(err),
        "transaction conflicted; retrying"
    );
    tokio::time::sleep(wait).await;
}

/// The pause after failed attempt number `attempt` (1-based): half of the
/// doubling cap plus a random part up to the other half ("equal jitter"), so
/// racing transactions spread out yet none retries at once.
pub(crate) fn backoff(attempt: u32) -> Duration {
    let doublings = attempt.saturating_sub(1).min(16);
    let cap = BASE_BACKOFF.saturating_mul(1 << doublings).min(MAX_BACKOFF);
    let half = cap / 2;
    half + half.mul_f64(fastrand::f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_stays_bounded() {
        for attempt in 1..=MAX_ATTEMPTS + 5 {
            let wait = backoff(attempt);
            let cap = BASE_BACKOFF
                .saturating_mul(1 << (attempt - 1).min(16))
                .min(MAX_BACKOFF);
            assert!(wait >= cap / 2 && wait <= cap, "{attempt}: {wait:?}");
        }
        assert!(backoff(1) <= Duration::from_millis(2));
        assert!(backoff(30) <= MAX_BACKOFF);
    }
}
