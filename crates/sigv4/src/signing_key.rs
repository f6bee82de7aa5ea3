//! Task 3 of SigV4: the signing key, and the signature it gives.
//!
//! ```text
//! kDate    = HMAC("AWS4" + secret, yyyymmdd)
//! kRegion  = HMAC(kDate, region)
//! kService = HMAC(kRegion, service)
//! kSigning = HMAC(kService, "aws4_request")
//! ```
//!
//! AWS guide, section "Derive a signing key":
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html>

use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::credential_scope::TERMINATOR;
use crate::secret::SecretKey;

type HmacSha256 = Hmac<Sha256>;

/// The derived key for one scope. Every intermediate key is zeroed on drop.
pub(crate) struct SigningKey(Zeroizing<[u8; 32]>);

impl SigningKey {
    /// Derives the key for `date/region/service/aws4_request`.
    pub(crate) fn derive(secret: &SecretKey, date: &str, region: &str, service: &str) -> Self {
        let mut k_secret = Zeroizing::new(Vec::with_capacity(4 + secret.expose().len()));
        k_secret.extend_from_slice(b"AWS4");
        k_secret.extend_from_slice(secret.expose().as_bytes());

        let k_date = Zeroizing::new(hmac(&k_secret, date.as_bytes()));
        let k_region = Zeroizing::new(hmac(&*k_date, region.as_bytes()));
        let k_service = Zeroizing::new(hmac(&*k_region, service.as_bytes()));
        SigningKey(Zeroizing::new(hmac(&*k_service, TERMINATOR.as_bytes())))
    }

    /// Task 4: the signature of `string_to_sign`, as lower-case hex.
    pub(crate) fn sign(&self, string_to_sign: &str) -> String {
        hex::encode(hmac(&*self.0, string_to_sign.as_bytes()))
    }
}

/// A signing key with the scope it was derived for, so that a server can keep
/// it and verify every request of one access key, day, region and service
/// without deriving it again (four HMACs per request otherwise).
///
/// `Debug` shows the scope, never the key; the key is zeroed on drop.
pub struct ScopedSigningKey {
    date: String,
    region: String,
    service: String,
    pub(crate) key: SigningKey,
}

impl ScopedSigningKey {
    /// Derives the key of `secret` for `date/region/service/aws4_request`.
    pub fn derive(secret: &SecretKey, date: &str, region: &str, service: &str) -> Self {
        ScopedSigningKey {
            date: date.to_owned(),
            region: region.to_owned(),
            service: service.to_owned(),
            key: SigningKey::derive(secret, date, region, service),
        }
    }

    /// Whether this key was derived for exactly this scope.
    pub fn is_for(&self, date: &str, region: &str, service: &str) -> bool {
        self.date == date && self.region == region && self.service == service
    }
}

impl std::fmt::Debug for ScopedSigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScopedSigningKey")
            .field("date", &self.date)
            .field("region", &self.region)
            .field("service", &self.service)
            .finish_non_exhaustive()
    }
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let Ok(mut mac) = HmacSha256::new_from_slice(key) else {
        // HMAC takes a key of any length (RFC 2104 §2): this branch cannot run.
        unreachable!("HMAC-SHA256 accepts keys of any length");
    };
    mac.update(data);
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scoped_key_is_the_same_key_and_never_shows_it() {
        let secret = SecretKey::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".to_owned());
        let scoped = ScopedSigningKey::derive(&secret, "20120215", "us-east-1", "iam");
        let plain = SigningKey::derive(&secret, "20120215", "us-east-1", "iam");
        assert_eq!(*scoped.key.0, *plain.0);
        assert!(scoped.is_for("20120215", "us-east-1", "iam"));
        assert!(!scoped.is_for("20120216", "us-east-1", "iam"));
        assert!(!scoped.is_for("20120215", "us-west-2", "iam"));
        assert!(!scoped.is_for("20120215", "us-east-1", "sagemaker"));
        let shown = format!("{scoped:?}");
        assert!(!shown.contains(&hex::encode(*plain.0)), "{shown}");
    }

    /// The worked example of AWS's "derive a signing key" page
    /// (secret `wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY`, 20120215, us-east-1, iam).
    #[test]
    fn derives_the_documented_key() {
        let secret = SecretKey::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".to_owned());
        let key = SigningKey::derive(&secret, "20120215", "us-east-1", "iam");
        assert_eq!(
            hex::encode(*key.0),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
        );
    }
}
