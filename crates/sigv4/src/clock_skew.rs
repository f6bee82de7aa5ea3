//! The request time against the server clock: the ±5-minute skew window of the
//! header form, and `X-Amz-Expires` of the query form.
//!
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/signing-elements.html#date>

use time::Duration;

use crate::amz_date::format_basic;
use crate::authorization::{Authorization, Form};
use crate::error::Error;

/// Checks the request time of `auth` against `now`, the server clock.
///
/// A request time may lie at most `skew` after `now` (both forms) and at most
/// `skew` before it (header form); the edges themselves pass. A presigned request
/// may instead be up to `X-Amz-Expires` seconds old. `now` is taken at one-second
/// resolution, like the request time. The server passes 5 minutes as `skew`
/// (`sagemaker-tagging.md` §6); the messages then read `5 min`, as AWS's do.
///
/// # Errors
///
/// [`Error::SignatureNotYetCurrent`] when the request time is after `now + skew`;
/// [`Error::SignatureExpired`] when it is before `now - skew` (header form) or
/// before `now - X-Amz-Expires` (query form).
pub fn check_clock(
    auth: &Authorization,
    now: time::OffsetDateTime,
    skew: time::Duration,
) -> Result<(), Error> {
    let now = now.replace_nanosecond(0).unwrap_or(now);
    let skew = skew.abs();
    let request = auth.amz_date;

    // An overflowing bound (a skew of centuries) means there is no bound.
    if let Some(latest) = now.checked_add(skew) {
        if request > latest {
            return Err(Error::SignatureNotYetCurrent {
                request_time: format_basic(request),
                latest: format_basic(latest),
                now: format_basic(now),
                window: window(skew),
            });
        }
    }

    let (oldest_age, window) = match (auth.form, auth.expires) {
        (Form::Query, Some(expires)) => {
            let secs = i64::try_from(expires).unwrap_or(i64::MAX);
            (Duration::seconds(secs), format!("{expires} sec"))
        }
        _ => (skew, self::window(skew)),
    };
    if let Some(earliest) = now.checked_sub(oldest_age) {
        if request < earliest {
            return Err(Error::SignatureExpired {
                request_time: format_basic(request),
                earliest: format_basic(earliest),
                now: format_basic(now),
                window,
            });
        }
    }
    Ok(())
}

/// `5 min` for whole minutes, else `<n> sec`.
fn window(skew: Duration) -> String {
    let secs = skew.whole_seconds();
    if secs % 60 == 0 {
        format!("{} min", secs / 60)
    } else {
        format!("{secs} sec")
    }
}

#[cfg(test)]
mod tests;
