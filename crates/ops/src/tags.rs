//! Tag rules shared by AddTags and every `Create*` that takes `Tags`
//! (`sagemaker-tagging.md` §3.1, §3.3, Q1, Q2, Q10).

use std::collections::HashSet;

use serde::Deserialize;

use sagetag_store::Tag;

use crate::error::Error;

/// A tag as a client sends it: `Value` may be missing or null (`API_AddTags.md`:
/// "If you don't specify a value, Amazon SageMaker sets the value to an empty
/// string"), which the model would refuse and this project accepts (§0).
#[derive(Clone, Debug, Deserialize)]
pub struct TagInput {
    /// The key.
    #[serde(rename = "Key")]
    pub key: String,
    /// The value, when given.
    #[serde(rename = "Value", default)]
    pub value: Option<String>,
}

/// The tags to store: missing values become `""`, order kept.
pub fn normalize(tags: Vec<TagInput>) -> Vec<Tag> {
    tags.into_iter()
        .map(|t| Tag {
            key: t.key,
            value: t.value.unwrap_or_default(),
        })
        .collect()
}

/// Whether a key carries the reserved `aws:` prefix, in any case (Q10).
pub fn is_reserved(key: &str) -> bool {
    key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("aws:"))
}

/// The message for a reserved key (O4, verbatim).
pub fn reserved_message(key: &str) -> String {
    format!("System prefix 'aws:' reserved for AWS usage in tag key: {key}")
}

/// Checks the rules that the shape cannot express: no `aws:` keys, no key twice.
///
/// # Errors
/// `ValidationException` naming the first offending key, or `Duplicate tag key`.
pub fn check_new_tags(tags: &[Tag]) -> Result<(), Error> {
    if let Some(tag) = tags.iter().find(|t| is_reserved(&t.key)) {
        return Err(Error::Validation(reserved_message(&tag.key)));
    }
    let mut seen = HashSet::with_capacity(tags.len());
    if tags.iter().any(|t| !seen.insert(t.key.as_str())) {
        // Q2: the text SageMaker's CreateTrialComponent answers (O5).
        return Err(Error::Validation("Duplicate tag key".to_owned()));
    }
    Ok(())
}

/// Checks that no key to delete is reserved (O4: the whole request is refused).
///
/// # Errors
/// `ValidationException` naming the first reserved key.
pub fn check_keys_to_delete(keys: &[String]) -> Result<(), Error> {
    match keys.iter().find(|k| is_reserved(k)) {
        Some(key) => Err(Error::Validation(reserved_message(key))),
        None => Ok(()),
    }
}

/// The message for a request that would leave more than 50 tags (Q1).
pub const TAG_LIMIT_MESSAGE: &str = "Tag limit exceeded: a resource can have at most 50 tags.";

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(key: &str) -> Tag {
        Tag {
            key: key.into(),
            value: String::new(),
        }
    }

    #[test]
    fn reserved_prefix_is_case_insensitive_and_only_a_prefix() {
        assert!(is_reserved("aws:x"));
        assert!(is_reserved("AWS:x"));
        assert!(is_reserved("Aws:"));
        assert!(!is_reserved("aws"));
        assert!(!is_reserved("xaws:"));
        assert!(!is_reserved("日本語"));
    }

    #[test]
    fn missing_value_becomes_empty() {
        let tags = normalize(vec![TagInput {
            key: "k".into(),
            value: None,
        }]);
        assert_eq!(tags, vec![tag("k")]);
    }

    #[test]
    fn first_rule_broken_is_reported() {
        let err = check_new_tags(&[tag("a"), tag("AWS:b")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "System prefix 'aws:' reserved for AWS usage in tag key: AWS:b"
        );
        let err = check_new_tags(&[tag("a"), tag("b"), tag("a")]).unwrap_err();
        assert_eq!(err.to_string(), "Duplicate tag key");
        assert!(check_new_tags(&[tag("a"), tag("A")]).is_ok());
    }
}
