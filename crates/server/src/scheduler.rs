//! The lifecycle scheduler: every server runs one. It hands each due step to
//! `sagetag_ops::lifecycle::run_step`; the store makes each step take effect
//! exactly once, however many servers race for it (`resources.md` §4).

use std::time::Duration;

use tokio::sync::watch;

use sagetag_ops::lifecycle::run_step;
use sagetag_ops::{Ctx, Error};

/// Most steps taken per look.
const BATCH: usize = 64;

/// Longest sleep between looks: steps added by requests are seen this soon.
const POLL: Duration = Duration::from_millis(100);

/// Runs every step due now. Returns how many were run.
///
/// # Errors
/// The first store failure; the steps not yet run stay due.
pub async fn run_due(ctx: &Ctx) -> Result<usize, Error> {
    let mut ran = 0;
    loop {
        let steps = ctx
            .store
            .due_steps(ctx.clock.now(), BATCH)
            .await
            .map_err(Error::backend)?;
        if steps.is_empty() {
            return Ok(ran);
        }
        for step in &steps {
            run_step(ctx, step).await?;
            ran += 1;
        }
    }
}

/// Runs due steps until `stop` turns true.
pub async fn run(ctx: Ctx, mut stop: watch::Receiver<bool>) {
    loop {
        let wait = match run_due(&ctx).await {
            Ok(_) => until_next(&ctx).await,
            Err(err) => {
                tracing::warn!(error = %err, "lifecycle step failed; retrying shortly");
                Duration::from_secs(1)
            }
        };
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            _ = stop.changed() => return,
        }
    }
}

/// How long to sleep before the next look: until the next step is due, at most
/// [`POLL`].
async fn until_next(ctx: &Ctx) -> Duration {
    match ctx.store.next_step_due().await {
        Ok(Some(due)) => {
            let seconds = (due - ctx.clock.now()).clamp(0.0, POLL.as_secs_f64());
            Duration::from_secs_f64(seconds)
        }
        _ => POLL,
    }
}
