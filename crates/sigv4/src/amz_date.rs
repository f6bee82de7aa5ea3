//! The request time: `X-Amz-Date` (ISO 8601 basic format, `yyyymmddTHHMMSSZ`) or,
//! as a fallback, the HTTP `Date` header.
//!
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/signing-elements.html#date>

use time::macros::format_description;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// Parses `yyyymmddTHHMMSSZ`, strictly: sixteen characters, digits where digits
/// belong, a real calendar date and time (no leap second).
pub(crate) fn parse_basic(value: &str) -> Option<OffsetDateTime> {
    let b = value.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let mut n = 0u32;
        for &c in b.get(range)? {
            if !c.is_ascii_digit() {
                return None;
            }
            n = n * 10 + u32::from(c - b'0');
        }
        Some(n)
    };
    let year = i32::try_from(digits(0..4)?).ok()?;
    let month = Month::try_from(u8::try_from(digits(4..6)?).ok()?).ok()?;
    let day = u8::try_from(digits(6..8)?).ok()?;
    let hour = u8::try_from(digits(9..11)?).ok()?;
    let minute = u8::try_from(digits(11..13)?).ok()?;
    let second = u8::try_from(digits(13..15)?).ok()?;

    let date = Date::from_calendar_date(year, month, day).ok()?;
    let time = Time::from_hms(hour, minute, second).ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_utc())
}

/// Parses the `Date` header: an HTTP-date in IMF-fixdate form
/// (`Sun, 30 Aug 2015 12:36:00 GMT`, RFC 9110 §5.6.7), or the ISO 8601 basic
/// form that some clients put there instead.
pub(crate) fn parse_http_date(value: &str) -> Option<OffsetDateTime> {
    if let Some(t) = parse_basic(value) {
        return Some(t);
    }
    let imf_fixdate = format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    PrimitiveDateTime::parse(value, imf_fixdate)
        .ok()
        .map(PrimitiveDateTime::assume_utc)
}

/// Formats `t` in UTC as `yyyymmddTHHMMSSZ`. Never fails: the fields are written
/// by hand, so even a year outside 0..=9999 prints (as more digits).
pub(crate) fn format_basic(t: OffsetDateTime) -> String {
    let t = t.checked_to_offset(UtcOffset::UTC).unwrap_or(t);
    format!(
        "{}T{:02}{:02}{:02}Z",
        format_date(t),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Formats the date of `t` in UTC as `yyyymmdd`, the credential-scope date.
pub(crate) fn format_date(t: OffsetDateTime) -> String {
    let t = t.checked_to_offset(UtcOffset::UTC).unwrap_or(t);
    format!("{:04}{:02}{:02}", t.year(), u8::from(t.month()), t.day())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn basic_format_round_trips() {
        let t = parse_basic("20150830T123600Z");
        assert_eq!(t, Some(datetime!(2015-08-30 12:36:00 UTC)));
        assert_eq!(
            format_basic(datetime!(2015-08-30 12:36:00 UTC)),
            "20150830T123600Z"
        );
        assert_eq!(format_date(datetime!(2015-08-30 23:59:59 UTC)), "20150830");
    }

    #[test]
    fn basic_format_is_strict() {
        for bad in [
            "",
            "20150830T123600",
            "20150830 123600Z",
            "2015-08-30T12:36:00Z",
            "20150830T123600z",
            "20151330T123600Z",
            "20150230T123600Z",
            "20150830T243600Z",
            "20150830T123660Z",
            "+0150830T123600Z",
            "2015083é123600Z",
            "20150830T123600Z ",
        ] {
            assert_eq!(parse_basic(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn http_date_accepts_imf_fixdate_and_basic() {
        let want = Some(datetime!(2015-08-30 12:36:00 UTC));
        assert_eq!(parse_http_date("Sun, 30 Aug 2015 12:36:00 GMT"), want);
        assert_eq!(parse_http_date("20150830T123600Z"), want);
        assert_eq!(parse_http_date("Sun, 30 Aug 2015 12:36:00 +0000"), None);
        assert_eq!(parse_http_date("yesterday"), None);
    }

    #[test]
    fn formatting_converts_to_utc() {
        let t = datetime!(2015-08-31 01:36:00 +13:00);
        assert_eq!(format_basic(t), "20150830T123600Z");
    }
}
