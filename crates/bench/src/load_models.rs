//! Bulk loading: many models with tags, written through the store's own API.
//!
//! The loader opens the data directory with [`SqliteStore::open`] and calls
//! [`Store::create_resource`] from many tasks at once, so that the store's
//! writer groups the creates into large transactions, exactly as it groups
//! concurrent requests. No SQL is written here: the rows are what the server
//! itself would have stored for the same `CreateModel` calls, ARNs included.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use serde::Serialize;
use serde_json::json;

use sagetag_store::{Error, NewResource, Scope, Store, Tag};
use sagetag_store_sqlite::SqliteStore;

/// What to load, and where.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    /// The server's data directory (created if missing; no server may be using it).
    pub data_dir: PathBuf,
    /// Models to create.
    pub models: u64,
    /// Tags per model: `k0=v0` … `k{tags-1}=v{tags-1}`.
    pub tags: u64,
    /// The account the models belong to (the credentials' `account_id`).
    pub account: String,
    /// Their region.
    pub region: String,
    /// Model names are `{prefix}-{index}`, the index zero-padded to 7 digits.
    pub prefix: String,
    /// Concurrent creating tasks.
    pub tasks: usize,
}

/// What the load did.
#[derive(Clone, Debug, Serialize)]
pub struct LoadResult {
    /// Models created by this load.
    pub created: u64,
    /// Models that were already there (a load resumed over an earlier one).
    pub existing: u64,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Creates per second.
    pub models_per_s: f64,
    /// Write transactions the store committed.
    pub commits: u64,
    /// Bytes of the database files once the store is closed.
    pub db_bytes: u64,
}

/// The name of model `index` under `prefix`; `run --preloaded-prefix` uses the
/// same rule.
pub fn model_name(prefix: &str, index: u64) -> String {
    format!("{prefix}-{index:07}")
}

/// Loads the models.
///
/// # Errors
/// When the store cannot be opened or a create fails for another reason than
/// the model being there already.
pub async fn load(options: &LoadOptions) -> anyhow::Result<LoadResult> {
    let store = Arc::new(
        SqliteStore::open(&options.data_dir)
            .with_context(|| format!("cannot open the store in {}", options.data_dir.display()))?,
    );
    let scope = Scope {
        account: options.account.clone(),
        region: options.region.clone(),
    };
    let next = Arc::new(AtomicU64::new(0));
    let created = Arc::new(AtomicU64::new(0));
    let existing = Arc::new(AtomicU64::new(0));
    let tags: Arc<Vec<Tag>> = Arc::new(
        (0..options.tags)
            .map(|i| Tag {
                key: format!("k{i}"),
                value: format!("v{i}"),
            })
            .collect(),
    );

    let started = Instant::now();
    let progress = std::io::stderr().is_terminal().then(|| {
        let created = Arc::clone(&created);
        let total = options.models;
        tokio::spawn(show_progress(created, total, started))
    });
    let mut tasks = Vec::with_capacity(options.tasks);
    for _ in 0..options.tasks.max(1) {
        let store = Arc::clone(&store);
        let (next, created, existing) = (next.clone(), created.clone(), existing.clone());
        let (scope, tags, options) = (scope.clone(), tags.clone(), options.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                if index >= options.models {
                    return anyhow::Ok(());
                }
                let name = model_name(&options.prefix, index);
                let resource = new_model(&scope, name, tags.as_ref().clone());
                match store.create_resource(resource).await {
                    Ok(_) => created.fetch_add(1, Ordering::Relaxed),
                    Err(Error::AlreadyExists) => existing.fetch_add(1, Ordering::Relaxed),
                    Err(err) => return Err(err).context("create_resource failed"),
                };
            }
        }));
    }
    for task in tasks {
        task.await.context("a loading task panicked")??;
    }
    let seconds = started.elapsed().as_secs_f64();
    if let Some(progress) = progress {
        progress.abort();
        eprintln!();
    }

    let commits = store.stats().commits;
    // Closing the store checkpoints the WAL into the main file.
    drop(store);
    let created = created.load(Ordering::Relaxed);
    Ok(LoadResult {
        created,
        existing: existing.load(Ordering::Relaxed),
        seconds,
        models_per_s: created as f64 / seconds,
        commits,
        db_bytes: db_bytes(&options.data_dir),
    })
}

/// The record `CreateModel` would store for `name` with the bench's body.
fn new_model(scope: &Scope, name: String, tags: Vec<Tag>) -> NewResource {
    NewResource {
        scope: scope.clone(),
        kind: "model".to_owned(),
        arn: model_arn(&scope.region, &scope.account, &name),
        name,
        status: None,
        document: json!({
            "ExecutionRoleArn": "arn:aws:iam::123456789012:role/sagetag-bench",
            "PrimaryContainer": {
                "Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/bench:latest"
            },
        }),
        created_at: now_millis(),
        tags,
        parent: None,
        schedule: Vec::new(),
        children: Vec::new(),
    }
}

/// The ARN the server gives model `name`: SageMaker lower-cases model names in
/// ARNs, and the partition follows the region. Kept here rather than borrowed
/// from the operations crate so the harness depends only on the store contract;
/// a mismatch cannot pass unnoticed, since the scale run's ListTags of these
/// ARNs must each find exactly the loaded tags.
pub fn model_arn(region: &str, account: &str, name: &str) -> String {
    let partition = if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    };
    let name = name.to_ascii_lowercase();
    format!("arn:{partition}:sagemaker:{region}:{account}:model/{name}")
}

/// Epoch seconds, rounded to milliseconds as the server stamps them.
fn now_millis() -> f64 {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64());
    (seconds * 1000.0).round() / 1000.0
}

/// Bytes of every file in `dir` (the database, its WAL and shared memory).
pub fn db_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|entry| entry.metadata().ok())
                .filter(std::fs::Metadata::is_file)
                .map(|meta| meta.len())
                .sum()
        })
        .unwrap_or(0)
}

async fn show_progress(created: Arc<AtomicU64>, total: u64, started: Instant) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tick.tick().await;
        let done = created.load(Ordering::Relaxed);
        let rate = done as f64 / started.elapsed().as_secs_f64().max(1e-3);
        let mut stderr = std::io::stderr().lock();
        let _ = write!(
            stderr,
            "\r\x1b[2Kloading: {done}/{total} models, {rate:.0}/s"
        );
        let _ = stderr.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn loads_models_the_server_can_find_by_arn() {
        let dir = tempfile::tempdir().expect("tempdir");
        let options = LoadOptions {
            data_dir: dir.path().to_owned(),
            models: 40,
            tags: 3,
            account: "123456789012".to_owned(),
            region: "us-east-1".to_owned(),
            prefix: "Load".to_owned(),
            tasks: 8,
        };
        let first = load(&options).await.expect("load");
        assert_eq!((first.created, first.existing), (40, 0));
        assert!(first.db_bytes > 0);
        let again = load(&options).await.expect("reload");
        assert_eq!((again.created, again.existing), (0, 40));

        let store = SqliteStore::open(dir.path()).expect("open");
        let arn = "arn:aws:sagemaker:us-east-1:123456789012:model/load-0000039";
        let page = store
            .list_tags("123456789012", arn, None, 50)
            .await
            .expect("tags");
        assert_eq!(page.tags.len(), 3);
        assert_eq!(page.tags[2].key, "k2");
        let scope = Scope {
            account: "123456789012".to_owned(),
            region: "us-east-1".to_owned(),
        };
        let model = store.get_resource(&scope, "model", "load-0000000").await;
        assert!(model.expect("get").is_some());
    }

    #[test]
    fn arns_lowercase_the_name_and_follow_the_partition() {
        assert_eq!(
            model_arn("us-east-1", "123456789012", "Load-0000001"),
            "arn:aws:sagemaker:us-east-1:123456789012:model/load-0000001"
        );
        assert!(model_arn("cn-north-1", "1", "m").starts_with("arn:aws-cn:"));
        assert!(model_arn("us-gov-west-1", "1", "m").starts_with("arn:aws-us-gov:"));
    }
}
