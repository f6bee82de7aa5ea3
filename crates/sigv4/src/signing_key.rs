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
