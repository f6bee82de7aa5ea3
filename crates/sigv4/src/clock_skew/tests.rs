use super::*;
use crate::test_support::{header_auth, SUITE_TIME};
use time::macros::datetime;
use time::OffsetDateTime;

const FIVE_MIN: Duration = Duration::minutes(5);

fn header() -> Authorization {
    header_auth("us-east-1", "sagemaker")
}

fn presigned(expires: u64) -> Authorization {
    Authorization {
        form: Form::Query,
        expires: Some(expires),
        ..header()
    }
}

#[test]
fn the_five_minute_edges_pass() {
    for now in [
        SUITE_TIME,
        datetime!(2015-08-30 12:41:00 UTC),
        datetime!(2015-08-30 12:41:00.999 UTC),
        datetime!(2015-08-30 12:31:00 UTC),
    ] {
        assert_eq!(check_clock(&header(), now, FIVE_MIN), Ok(()), "{now}");
    }
}

#[test]
fn five_minutes_and_one_second_old_is_expired() {
    let err = check_clock(&header(), datetime!(2015-08-30 12:41:01 UTC), FIVE_MIN);
    assert_eq!(
        err,
        Err(Error::SignatureExpired {
            request_time: "20150830T123600Z".to_owned(),
            earliest: "20150830T123601Z".to_owned(),
            now: "20150830T124101Z".to_owned(),
            window: "5 min".to_owned(),
        })
    );
    let err = err.expect_err("expired");
    assert_eq!(
        err.to_string(),
        "Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z \
         (20150830T124101Z - 5 min.)"
    );
    assert_eq!(err.code(), "InvalidSignatureException");
}

#[test]
fn five_minutes_and_one_second_ahead_is_not_yet_current() {
    let err = check_clock(&header(), datetime!(2015-08-30 12:30:59 UTC), FIVE_MIN);
    let err = err.expect_err("not yet current");
    assert!(matches!(err, Error::SignatureNotYetCurrent { .. }));
    assert_eq!(
        err.to_string(),
        "Signature not yet current: 20150830T123600Z is still later than 20150830T123559Z \
         (20150830T123059Z + 5 min.)"
    );
    assert_eq!(err.code(), "InvalidSignatureException");
}

#[test]
fn times_are_shown_in_utc() {
    let now = datetime!(2015-08-31 02:00:00 +13:00); // 2015-08-30 13:00:00 UTC
    let err = check_clock(&header(), now, FIVE_MIN).expect_err("expired");
    assert_eq!(
        err.to_string(),
        "Signature expired: 20150830T123600Z is now earlier than 20150830T125500Z \
         (20150830T130000Z - 5 min.)"
    );
}

#[test]
fn other_windows_are_written_in_minutes_or_seconds() {
    let err = check_clock(
        &header(),
        datetime!(2015-08-30 12:50:00 UTC),
        Duration::seconds(90),
    );
    assert!(err
        .expect_err("expired")
        .to_string()
        .ends_with("(20150830T125000Z - 90 sec.)"));
    let err = check_clock(
        &header(),
        datetime!(2015-08-30 13:00:00 UTC),
        Duration::minutes(15),
    );
    assert!(err
        .expect_err("expired")
        .to_string()
        .ends_with("(20150830T130000Z - 15 min.)"));
    // A negative skew counts as its absolute value.
    let ok = check_clock(&header(), datetime!(2015-08-30 12:40:00 UTC), -FIVE_MIN);
    assert_eq!(ok, Ok(()));
}

#[test]
fn extreme_windows_do_not_overflow() {
    for now in [
        OffsetDateTime::UNIX_EPOCH,
        datetime!(9999-12-31 23:59:59 UTC),
    ] {
        assert_eq!(check_clock(&header(), now, Duration::MAX), Ok(()));
        assert_eq!(
            check_clock(&presigned(u64::MAX), SUITE_TIME, Duration::MAX),
            Ok(())
        );
        let _ = check_clock(&header(), now, Duration::MIN);
    }
}

#[test]
fn a_presigned_request_lives_for_x_amz_expires() {
    // Older than the skew window, but within X-Amz-Expires.
    let auth = presigned(3600);
    assert_eq!(
        check_clock(&auth, datetime!(2015-08-30 13:36:00 UTC), FIVE_MIN),
        Ok(())
    );

    let auth = presigned(60);
    assert_eq!(
        check_clock(&auth, datetime!(2015-08-30 12:37:00 UTC), FIVE_MIN),
        Ok(())
    );
    let err = check_clock(&auth, datetime!(2015-08-30 12:37:01 UTC), FIVE_MIN);
    let err = err.expect_err("expired");
    assert_eq!(
        err.to_string(),
        "Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z \
         (20150830T123701Z - 60 sec.)"
    );
    assert_eq!(err.code(), "InvalidSignatureException");

    // A presigned request from the future is refused like any other.
    let err = check_clock(&auth, datetime!(2015-08-30 12:30:59 UTC), FIVE_MIN);
    assert!(
        matches!(err, Err(Error::SignatureNotYetCurrent { .. })),
        "{err:?}"
    );
}
