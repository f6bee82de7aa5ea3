//! ListTags pagination tokens (`sagetag_ops::token`).
//!
//! Input: `<bound>\n<token>` as text (invalid UTF-8 is replaced). The token is
//! decoded for ListTags over `<bound>` and for ListModels; then a token made
//! for `<bound>` with the token text as its position must decode to that
//! position, and to nothing for another operation or another bound.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sagetag_ops::token::{decode, encode};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (bound, token) = text.split_once('\n').unwrap_or(("", &text));

    let _ = decode(token, "ListTags", bound);
    let _ = decode(token, "ListModels", "");

    let made = encode("ListTags", bound, token);
    assert_eq!(
        decode(&made, "ListTags", bound).ok().as_deref(),
        Some(token)
    );
    assert!(decode(&made, "ListModels", bound).is_err());
    assert!(decode(&made, "ListTags", &format!("{bound}x")).is_err());
});
