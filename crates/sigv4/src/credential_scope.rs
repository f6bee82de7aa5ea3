//! The credential and its scope: `AKID/yyyymmdd/region/service/aws4_request`.
//!
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/signing-elements.html#credential-scope>

use crate::authorization::{redact_part, Authorization};
use crate::error::Error;

/// The last element of every credential scope.
pub(crate) const TERMINATOR: &str = "aws4_request";

/// A parsed `Credential=` value.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Credential {
    pub(crate) access_key_id: String,
    pub(crate) date: String,
    pub(crate) region: String,
    pub(crate) service: String,
}

impl Credential {
    /// Splits `AKID/date/region/service/aws4_request`.
    ///
    /// The date is checked later, against the request time; the region and the
    /// service by [`check_scope`].
    pub(crate) fn parse(value: &str) -> Result<Self, Error> {
        // The value quoted back may hold a signature that lost its comma
        // (`…/aws4_request Signature=…`): it is redacted.
        let parts: Vec<&str> = value.split('/').collect();
        let [access_key_id, date, region, service, terminator] = parts[..] else {
            return Err(Error::IncompleteSignature(format!(
                "Credential must have exactly 5 slash-delimited elements, \
                 e.g. keyid/date/region/service/term, got '{}'",
                redact_part(value)
            )));
        };
        if terminator != TERMINATOR {
            return Err(Error::IncompleteSignature(format!(
                "Credential should be scoped with a valid terminator: \
                 '{TERMINATOR}', not '{}'. ",
                redact_part(terminator)
            )));
        }
        Ok(Credential {
            access_key_id: access_key_id.to_owned(),
            date: date.to_owned(),
            region: region.to_owned(),
            service: service.to_owned(),
        })
    }
}

/// `date/region/service/aws4_request`, the scope line of the string to sign.
pub(crate) fn scope(date: &str, region: &str, service: &str) -> String {
    format!("{date}/{region}/{service}/{TERMINATOR}")
}

/// Checks the region and the service of the credential scope.
///
/// `service` is the signing name this server answers to (`sagemaker`);
/// `region_ok` says whether it serves a region.
///
/// # Errors
///
/// [`Error::InvalidRegion`] when `region_ok` refuses the scope's region (checked
/// first), then [`Error::InvalidService`] when the scope names another service.
pub fn check_scope(
    auth: &Authorization,
    service: &str,
    region_ok: impl Fn(&str) -> bool,
) -> Result<(), Error> {
    if !region_ok(&auth.region) {
        return Err(Error::InvalidRegion(auth.region.clone()));
    }
    if auth.service != service {
        return Err(Error::InvalidService(service.to_owned()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::header_auth;

    #[test]
    fn parses_a_credential() {
        let c = Credential::parse("AKIDEXAMPLE/20150830/us-east-1/sagemaker/aws4_request");
        assert_eq!(
            c,
            Ok(Credential {
                access_key_id: "AKIDEXAMPLE".to_owned(),
                date: "20150830".to_owned(),
                region: "us-east-1".to_owned(),
                service: "sagemaker".to_owned(),
            })
        );
    }

    #[test]
    fn refuses_a_credential_without_five_elements() {
        for bad in [
            "AKID",
            "AKID/20150830/us-east-1/aws4_request",
            "a/b/c/d/e/f",
            "",
        ] {
            assert_eq!(
                Credential::parse(bad).map_err(|e| e.to_string()),
                Err(format!(
                    "Credential must have exactly 5 slash-delimited elements, \
                     e.g. keyid/date/region/service/term, got '{bad}'"
                ))
            );
        }
    }

    #[test]
    fn refuses_another_terminator() {
        let err = Credential::parse("AKID/20150830/us-east-1/sagemaker/aws4_requests");
        assert_eq!(
            err.map_err(|e| e.to_string()),
            Err(
                "Credential should be scoped with a valid terminator: 'aws4_request', \
                 not 'aws4_requests'. "
                    .to_owned()
            )
        );
    }

    #[test]
    fn scope_checks_region_then_service() {
        let auth = header_auth("eu-west-9", "sagemaker");
        let err = check_scope(&auth, "sagemaker", |r| r == "us-east-1");
        assert_eq!(err, Err(Error::InvalidRegion("eu-west-9".to_owned())));
        assert_eq!(
            err.map_err(|e| e.to_string()),
            Err("Credential should be scoped to a valid region, not 'eu-west-9'. ".to_owned())
        );

        let auth = header_auth("us-east-1", "s3");
        let err = check_scope(&auth, "sagemaker", |r| r == "us-east-1");
        assert_eq!(err, Err(Error::InvalidService("sagemaker".to_owned())));
        assert_eq!(
            err.map_err(|e| e.to_string()),
            Err("Credential should be scoped to correct service: 'sagemaker'. ".to_owned())
        );
        assert_eq!(
            Error::InvalidService(String::new()).code(),
            "InvalidSignatureException"
        );

        let auth = header_auth("us-east-1", "sagemaker");
        assert_eq!(
            check_scope(&auth, "sagemaker", |r| r == "us-east-1"),
            Ok(())
        );
    }
}
