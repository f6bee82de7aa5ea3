//! Request bodies: the AWS JSON 1.1 body reader of the wire layer, then the
//! validator of an operation, then the pruning of unknown members, as the
//! server runs them on every request.
//!
//! Input: one byte that picks the operation (its index in `Operation::ALL`,
//! modulo their number), then the body bytes.
//!
//! Beyond "no panic, no hang", it checks that a valid body stays valid once
//! pruned, that pruning twice changes nothing, and that every refusal has a
//! message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sagetag_ops::validate::{prune_unknown, validate_input, ValidationError};
use sagetag_ops::Operation;
use sagetag_server::wire::read_json;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let operation = Operation::ALL[usize::from(pick) % Operation::ALL.len()].name();
    let mut input = match read_json(body) {
        Ok(input) => input,
        Err(err) => {
            assert!(!err.to_string().is_empty());
            return;
        }
    };
    match validate_input(operation, &input) {
        Ok(()) => {
            prune_unknown(operation, &mut input);
            let pruned = input.clone();
            assert_eq!(
                validate_input(operation, &pruned),
                Ok(()),
                "{operation}: {pruned}"
            );
            prune_unknown(operation, &mut input);
            assert_eq!(
                input, pruned,
                "{operation}: pruning twice changed the input"
            );
        }
        Err(ValidationError::Constraints(items)) => {
            assert!(!items.is_empty(), "{operation}: no violation listed");
        }
        Err(err) => assert!(!err.message().is_empty(), "{operation}: empty message"),
    }
});
