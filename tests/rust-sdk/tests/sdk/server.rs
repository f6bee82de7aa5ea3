//! Starting the real `sagetag` binary for one test, and SDK clients aimed at it.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_sdk_sagemaker::Client;

/// The region every test works in.
pub const REGION: &str = "us-east-1";

/// How long the binary may take to print its ready line.
const START_TIMEOUT: Duration = Duration::from_secs(20);

/// One key of the credentials file the test servers load.
pub struct Account {
    /// The 12-digit account the key acts for.
    pub id: &'static str,
    access_key: &'static str,
    secret_key: &'static str,
}

/// Alice's key, account 111111111111 (the same keys as the Python suite).
pub const ALICE: Account = Account {
    id: "111111111111",
    access_key: "AKIDALICE00000000001",
    secret_key: "aliceSecret/0000+KeyMaterial0000000001",
};

/// Bob's key, account 222222222222.
pub const BOB: Account = Account {
    id: "222222222222",
    access_key: "AKIDBOB0000000000002",
    secret_key: "bobSecret/00000+KeyMaterial00000000002",
};

/// A running `sagetag serve`, killed when dropped.
pub struct Server {
    child: Child,
    endpoint: String,
    dir: tempfile::TempDir,
}

impl Server {
    /// Starts the binary in credentials mode with one-second lifecycle steps,
    /// and waits for its `sagetag listening on http://ADDR` line.
    pub fn start() -> Server {
        let dir = tempfile::tempdir().expect("temporary directory");
        let credentials = dir.path().join("credentials.toml");
        std::fs::write(&credentials, credentials_toml(&[&ALICE, &BOB])).expect("credentials");
        let stderr = std::fs::File::create(dir.path().join("stderr.log")).expect("log file");

        let mut command = Command::new(sagetag_bin());
        command
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--lifecycle-seconds",
                "1",
            ])
            .arg("--data-dir")
            .arg(dir.path().join("data"))
            .arg("--credentials")
            .arg(&credentials)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr);
        // The binary reads SAGETAG_* variables as flag defaults; only ours count.
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("SAGETAG_") {
                command.env_remove(name);
            }
        }
        let mut child = command.spawn().expect("cannot start sagetag");

        let stdout = child.stdout.take().expect("piped stdout");
        let (lines, first) = mpsc::channel();
        std::thread::spawn(move || {
            // Keep reading after the first line so the pipe never fills.
            for line in BufReader::new(stdout).lines() {
                let _ = lines.send(line.unwrap_or_default());
            }
        });
        let mut server = Server {
            child,
            endpoint: String::new(),
            dir,
        };
        let line = first.recv_timeout(START_TIMEOUT).unwrap_or_else(|_| {
            panic!("sagetag printed no ready line\n{}", server.stderr());
        });
        let address = line
            .strip_prefix("sagetag listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
        server.endpoint = address.to_owned();
        server
    }

    /// The base URL, `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The shared SDK configuration for one account, as an application would
    /// build it with `aws-config`, with the endpoint set and retries off.
    pub async fn sdk_config(&self, account: &Account) -> SdkConfig {
        let credentials = Credentials::new(
            account.access_key,
            account.secret_key,
            None,
            None,
            "sagetag-tests",
        );
        aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(REGION))
            .endpoint_url(self.endpoint())
            .credentials_provider(credentials)
            .http_client(aws_smithy_http_client::Builder::new().build_http())
            .retry_config(RetryConfig::disabled())
            .load()
            .await
    }

    /// A SageMaker client for `account`.
    pub async fn client(&self, account: &Account) -> Client {
        Client::new(&self.sdk_config(account).await)
    }

    /// The end of what the server wrote to stderr, for failure messages.
    pub fn stderr(&self) -> String {
        let text = std::fs::read_to_string(self.dir.path().join("stderr.log")).unwrap_or_default();
        let start = text.len().saturating_sub(4000);
        text.get(start..).unwrap_or_default().to_owned()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The binary under test: `$SAGETAG_BIN`, else `debug/sagetag` under
/// `$CARGO_TARGET_DIR` or the workspace's `target`.
fn sagetag_bin() -> PathBuf {
    let path = match std::env::var_os("SAGETAG_BIN") {
        Some(path) => PathBuf::from(path),
        None => {
            let target = std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
            target.join("debug").join("sagetag")
        }
    };
    assert!(
        path.is_file(),
        "sagetag binary not found at {}: run `cargo build -p sagetag` or set SAGETAG_BIN",
        path.display()
    );
    path
}

fn credentials_toml(accounts: &[&Account]) -> String {
    accounts
        .iter()
        .map(|a| {
            format!(
                "[[credentials]]\naccess_key_id = \"{}\"\nsecret_access_key = \"{}\"\n\
                 account_id = \"{}\"\n\n",
                a.access_key, a.secret_key, a.id
            )
        })
        .collect()
}
