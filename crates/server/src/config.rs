//! Validated server configuration, and the credentials file it may name.
//!
//! The CLI parses flags into a [`Config`]; everything here is checked before the
//! server binds a socket, so a bad flag or file fails at start-up with a clear
//! message instead of at the first request.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use sagetag_sigv4::SecretKey;
use serde::Deserialize;
use time::OffsetDateTime;

/// Everything the server needs to run.
#[derive(Debug)]
pub struct Config {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Where state is kept.
    pub store: StoreConfig,
    /// How callers are authenticated.
    pub auth: AuthMode,
    /// Regions served; `None` serves any well-formed region name.
    pub regions: Option<Vec<String>>,
    /// Whether `POST /_sagetag/reset` is exposed.
    pub enable_reset: bool,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// How long a client may take to send a request's headers, or its body.
    pub request_timeout: Duration,
    /// How long a connection may sit idle (no request in progress, no bytes
    /// moving) before it is closed; hyper's header timer also closes it once
    /// `request_timeout` passes without a whole request head.
    pub idle_timeout: Duration,
    /// Most connections served at once; further clients wait in the listen
    /// backlog until one closes.
    pub max_connections: usize,
    /// Per-account request rate limit; `None` for no limit.
    pub rate_limit: Option<crate::throttle::RateLimit>,
    /// Seconds each lifecycle step takes (`Creating` → `InService`…); 0 settles
    /// them at once.
    pub lifecycle_seconds: f64,
}

/// Where the server keeps its state.
pub enum StoreConfig {
    /// The embedded SQLite store in this directory: one server.
    Sqlite {
        /// The data directory (created if missing).
        data_dir: PathBuf,
    },
    /// A PostgreSQL database that any number of servers share.
    Postgres {
        /// Its URL, `postgres://user:password@host:port/database`; never
        /// printed, since it may hold a password.
        url: String,
        /// Connections each server keeps open at most.
        pool_size: usize,
    },
}

impl std::fmt::Debug for StoreConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreConfig::Sqlite { data_dir } => f
                .debug_struct("Sqlite")
                .field("data_dir", data_dir)
                .finish(),
            StoreConfig::Postgres { pool_size, .. } => f
                .debug_struct("Postgres")
                .field("pool_size", pool_size)
                .finish_non_exhaustive(),
        }
    }
}

/// How requests are authenticated.
#[derive(Debug)]
pub enum AuthMode {
    /// Every request must be signed by a key of this file (`--credentials`).
    Verified(Credentials),
    /// Development mode: SigV4 must be well-formed, but the key and signature are
    /// not checked and every caller is this account.
    Development {
        /// The account every caller acts as.
        default_account: String,
    },
}

/// The keys sagetag accepts, by access key id.
#[derive(Debug, Default)]
pub struct Credentials {
    keys: HashMap<String, Credential>,
}

/// One access key.
#[derive(Debug)]
pub struct Credential {
    /// The secret, redacted in `Debug`.
    pub secret: SecretKey,
    /// The account the key acts for.
    pub account_id: String,
    /// A session token the requests must carry, for temporary credentials.
    pub session_token: Option<SecretKey>,
    /// When the session token expires.
    pub session_token_expires: Option<OffsetDateTime>,
}

/// A configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The credentials file could not be read.
    #[error("cannot read credentials file {path}: {source}")]
    ReadCredentials {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The credentials file is not valid TOML of the expected form.
    #[error("credentials file {path} is malformed: {message}")]
    ParseCredentials {
        /// The file.
        path: PathBuf,
        /// What the parser said.
        message: String,
    },
    /// A credential entry breaks a rule.
    #[error("credentials file {path}, entry {index}: {message}")]
    InvalidCredential {
        /// The file.
        path: PathBuf,
        /// 1-based entry number.
        index: usize,
        /// What is wrong.
        message: String,
    },
    /// An account id is not 12 digits.
    #[error("{flag}: account id '{value}' must be exactly 12 digits")]
    InvalidAccount {
        /// Where it came from.
        flag: &'static str,
        /// The value given.
        value: String,
    },
    /// A region name is not of AWS's form.
    #[error("--regions: '{0}' is not a region name like us-east-1")]
    InvalidRegion(String),
    /// Development mode on a non-loopback address without the explicit opt-in.
    #[error(
        "refusing to listen on {0} without --credentials: anyone who can reach it could \
         read and change every resource. Pass --credentials FILE, listen on a loopback \
         address, or pass --allow-unauthenticated if you really mean it"
    )]
    UnauthenticatedOnNetwork(SocketAddr),
    /// A numeric limit out of range.
    #[error("{0}")]
    InvalidLimit(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CredentialsFile {
    #[serde(default)]
    credentials: Vec<RawCredential>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCredential {
    access_key_id: String,
    secret_access_key: String,
    account_id: String,
    session_token: Option<String>,
    session_token_expires: Option<String>,
}

impl Credentials {
    /// Reads and checks a credentials file.
    ///
    /// # Errors
    /// [`ConfigError`] naming the file and the entry at fault.
    pub fn load(path: &Path) -> Result<Credentials, ConfigError> {
        let text =
            std::fs::read_to_string(path).map_err(|source| ConfigError::ReadCredentials {
                path: path.to_owned(),
                source,
            })?;
        // toml's message may quote the line at fault, which could hold a secret.
        let file: CredentialsFile =
            toml::from_str(&text).map_err(|e| ConfigError::ParseCredentials {
                path: path.to_owned(),
                message: e.message().to_owned(),
            })?;

        let mut keys = HashMap::new();
        for (i, raw) in file.credentials.into_iter().enumerate() {
            let invalid = |message: &str| ConfigError::InvalidCredential {
                path: path.to_owned(),
                index: i + 1,
                message: message.to_owned(),
            };
            let (id, credential) = check_credential(raw).map_err(|m| invalid(&m))?;
            if keys.insert(id, credential).is_some() {
                return Err(invalid("access_key_id appears twice in the file"));
            }
        }
        if keys.is_empty() {
            return Err(ConfigError::ParseCredentials {
                path: path.to_owned(),
                message: "no [[credentials]] entries".to_owned(),
            });
        }
        Ok(Credentials { keys })
    }

    /// The credential of an access key id.
    pub fn get(&self, access_key_id: &str) -> Option<&Credential> {
        self.keys.get(access_key_id)
    }

    /// How many keys there are.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

fn check_credential(raw: RawCredential) -> Result<(String, Credential), String> {
    if raw.access_key_id.is_empty() || !raw.access_key_id.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return Err("access_key_id must be non-empty ASCII letters and digits".to_owned());
    }
    if raw.secret_access_key.is_empty() {
        return Err("secret_access_key must not be empty".to_owned());
    }
    if !is_account_id(&raw.account_id) {
        return Err(format!(
            "account_id '{}' must be exactly 12 digits",
            raw.account_id
        ));
    }
    let expires = match raw.session_token_expires {
        None => None,
        Some(text) => Some(
            OffsetDateTime::parse(&text, &time::format_description::well_known::Rfc3339)
                .map_err(|_| format!("session_token_expires '{text}' is not RFC 3339"))?,
        ),
    };
    if expires.is_some() && raw.session_token.is_none() {
        return Err("session_token_expires needs a session_token".to_owned());
    }
    let credential = Credential {
        secret: SecretKey::new(raw.secret_access_key),
        account_id: raw.account_id,
        session_token: raw.session_token.map(SecretKey::new),
        session_token_expires: expires,
    };
    Ok((raw.access_key_id, credential))
}

/// Whether `value` is a 12-digit AWS account id.
pub fn is_account_id(value: &str) -> bool {
    value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `value` has the form of an AWS region name (`us-east-1`, `us-gov-west-1`).
pub fn is_region_name(value: &str) -> bool {
    let parts: Vec<&str> = value.split('-').collect();
    let letters = |p: &&str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase());
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[..parts.len() - 1].iter().all(letters)
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn load(text: &str) -> Result<Credentials, ConfigError> {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(text.as_bytes()).unwrap();
        Credentials::load(file.path())
    }

    #[test]
    fn region_names() {
        for ok in [
            "us-east-1",
            "eu-central-2",
            "us-gov-west-1",
            "cn-north-1",
            "ap-southeast-10",
        ] {
            assert!(is_region_name(ok), "{ok}");
        }
        for bad in [
            "",
            "us-east",
            "US-EAST-1",
            "us--1",
            "useast1",
            "u-east-1",
            "us-east-x",
        ] {
            assert!(!is_region_name(bad), "{bad}");
        }
    }

    #[test]
    fn credentials_file_is_checked_entry_by_entry() {
        let ok = load(
            "[[credentials]]\naccess_key_id = \"AKID1\"\nsecret_access_key = \"s\"\n\
             account_id = \"111111111111\"\n",
        )
        .unwrap();
        assert_eq!(ok.get("AKID1").unwrap().account_id, "111111111111");

        let err = load(
            "[[credentials]]\naccess_key_id = \"AKID1\"\nsecret_access_key = \"topsecret\"\n\
             account_id = \"12\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("entry 1") && err.contains("12 digits"),
            "{err}"
        );
        assert!(!err.contains("topsecret"));

        let dup = "[[credentials]]\naccess_key_id = \"A\"\nsecret_access_key = \"s\"\n\
                   account_id = \"111111111111\"\n";
        let err = load(&format!("{dup}{dup}")).unwrap_err().to_string();
        assert!(err.contains("twice"), "{err}");

        let err = load("[[credentials]]\naccess_key_id = \"A\"\nsecret = \"hush\"\n")
            .unwrap_err()
            .to_string();
        assert!(!err.contains("hush"), "{err}");
        assert!(load("").is_err());
    }

    #[test]
    fn debug_never_shows_secrets() {
        let c = load(
            "[[credentials]]\naccess_key_id = \"A\"\nsecret_access_key = \"hunter2\"\n\
             account_id = \"111111111111\"\nsession_token = \"tok3n\"\n",
        )
        .unwrap();
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("tok3n"),
            "{shown}"
        );
    }
}
