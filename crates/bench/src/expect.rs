//! Checking every answer: a benchmark that counts failures as throughput
//! measures nothing.

use http::StatusCode;

use crate::client::Reply;

/// How many tags a `Tags` member must hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TagCount {
    /// Exactly this many.
    Exactly(usize),
    /// This many or more.
    AtLeast(usize),
}

/// What a successful answer looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// 200 with a `Tags` array of this size (`AddTags`, `ListTags`).
    Tags(TagCount),
    /// 200 with a `ModelArn` string (`CreateModel`).
    ModelArn,
    /// 200 with a JSON object, possibly empty (`DeleteModel`).
    Empty,
}

impl Expect {
    /// Checks `reply` against this expectation.
    ///
    /// # Errors
    /// A one-line description of what is wrong, quoting the start of the body.
    pub fn check(self, reply: &Reply) -> Result<(), String> {
        if reply.status != StatusCode::OK {
            return Err(format!(
                "HTTP {}: {}",
                reply.status.as_u16(),
                excerpt(&reply.body)
            ));
        }
        let body: serde_json::Value = serde_json::from_slice(&reply.body)
            .map_err(|err| format!("body is not JSON ({err}): {}", excerpt(&reply.body)))?;
        if !body.is_object() {
            return Err(format!(
                "body is not a JSON object: {}",
                excerpt(&reply.body)
            ));
        }
        match self {
            Expect::Tags(count) => {
                let found = body["Tags"]
                    .as_array()
                    .ok_or_else(|| format!("no Tags array: {}", excerpt(&reply.body)))?
                    .len();
                let ok = match count {
                    TagCount::Exactly(n) => found == n,
                    TagCount::AtLeast(n) => found >= n,
                };
                if !ok {
                    return Err(format!("expected {count:?} tags, got {found}"));
                }
            }
            Expect::ModelArn => {
                if !body["ModelArn"]
                    .as_str()
                    .is_some_and(|arn| arn.contains(":model/"))
                {
                    return Err(format!("no ModelArn: {}", excerpt(&reply.body)));
                }
            }
            Expect::Empty => {}
        }
        Ok(())
    }
}

/// The start of a body, for error messages.
fn excerpt(body: &[u8]) -> String {
    // One line, whatever the server sent: moto answers some failures in HTML.
    let text = String::from_utf8_lossy(body);
    let words: Vec<&str> = text.split_whitespace().collect();
    let line = words.join(" ");
    let mut cut: String = line.chars().take(200).collect();
    if cut.len() < line.len() {
        cut.push('…');
    }
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn reply(status: u16, body: &str) -> Reply {
        Reply {
            status: StatusCode::from_u16(status).expect("status"),
            body: Bytes::from(body.to_owned()),
        }
    }

    #[test]
    fn accepts_the_expected_answers() {
        let tags = r#"{"Tags":[{"Key":"a","Value":"b"}]}"#;
        assert!(Expect::Tags(TagCount::Exactly(1))
            .check(&reply(200, tags))
            .is_ok());
        assert!(Expect::Tags(TagCount::AtLeast(1))
            .check(&reply(200, tags))
            .is_ok());
        let arn = r#"{"ModelArn":"arn:aws:sagemaker:us-east-1:1:model/m"}"#;
        assert!(Expect::ModelArn.check(&reply(200, arn)).is_ok());
        assert!(Expect::Empty.check(&reply(200, "{}")).is_ok());
    }

    #[test]
    fn refuses_errors_wrong_shapes_and_wrong_counts() {
        let error = r#"{"__type":"ValidationException","message":"no"}"#;
        let refused = Expect::Empty.check(&reply(400, error));
        assert!(refused.is_err_and(|e| e.starts_with("HTTP 400: {\"__type\"")));
        assert!(Expect::Empty.check(&reply(200, "not json")).is_err());
        let tags = r#"{"Tags":[]}"#;
        let few = Expect::Tags(TagCount::Exactly(50)).check(&reply(200, tags));
        assert_eq!(few, Err("expected Exactly(50) tags, got 0".to_owned()));
        assert!(Expect::ModelArn.check(&reply(200, "{}")).is_err());
        let html = Expect::Empty.check(&reply(500, "<html>\n<title>500</title>\n</html>"));
        assert_eq!(
            html,
            Err("HTTP 500: <html> <title>500</title> </html>".to_owned())
        );
    }
}
