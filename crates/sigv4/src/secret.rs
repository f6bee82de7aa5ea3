//! The secret access key, kept out of logs and wiped from memory when dropped.

use std::fmt;

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// A secret access key (or any other secret credential, such as a session token).
///
/// `Debug` prints `SecretKey(<redacted>)`, equality is checked in constant time,
/// and the bytes are zeroed when the value is dropped. There is deliberately no
/// `Display` and no `Serialize`.
#[derive(Clone)]
pub struct SecretKey(Zeroizing<String>);

impl SecretKey {
    /// Wraps `secret`. The string is moved, not copied, so no clear copy is left
    /// behind by this call.
    pub fn new(secret: String) -> Self {
        SecretKey(Zeroizing::new(secret))
    }

    /// The secret itself, for the few places that must read it (deriving the
    /// signing key, comparing a session token). Never log the result.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

impl PartialEq for SecretKey {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_bytes().ct_eq(other.0.as_bytes()).into()
    }
}

impl Eq for SecretKey {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let key = SecretKey::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".to_owned());
        assert_eq!(format!("{key:?}"), "SecretKey(<redacted>)");
        assert_eq!(format!("{key:#?}"), "SecretKey(<redacted>)");
    }

    #[test]
    fn equality_compares_the_secret() {
        let a = SecretKey::new("abc".to_owned());
        assert_eq!(a, SecretKey::new("abc".to_owned()));
        assert_ne!(a, SecretKey::new("abd".to_owned()));
        assert_ne!(a, SecretKey::new("abcd".to_owned()));
        assert_eq!(a.expose(), "abc");
    }
}
