//! Preparing a scenario's resources through the API itself, so that every
//! server under test gets exactly the same calls.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;

use crate::client::Connection;
use crate::expect::Expect;
use crate::scenario::{create_model, initial_tags};
use crate::signer::Signer;

/// Connections used to create fixtures: enough to overlap round trips, few
/// enough not to swamp a single-threaded server.
const SETUP_CONNECTIONS: usize = 16;

/// Creates one model per name with `tags` initial tags, and returns their ARNs
/// in the order of `names` (as the server answered them).
///
/// # Errors
/// The first failed or unexpected answer: a fixture that is not there makes
/// every later number meaningless.
pub async fn create_models(
    signer: &Arc<Signer>,
    addr: SocketAddr,
    names: Vec<String>,
    tags: u64,
) -> anyhow::Result<Vec<String>> {
    let names = Arc::new(names);
    let tags = Arc::new(initial_tags(tags));
    let mut tasks = Vec::with_capacity(SETUP_CONNECTIONS);
    for first in 0..SETUP_CONNECTIONS.min(names.len()) {
        let (signer, names, tags) = (Arc::clone(signer), Arc::clone(&names), Arc::clone(&tags));
        tasks.push(tokio::spawn(async move {
            let mut connection = Connection::new(addr);
            let mut made = Vec::new();
            for index in (first..names.len()).step_by(SETUP_CONNECTIONS) {
                let name = &names[index];
                let request = signer.request(&create_model(name, &tags))?;
                let reply = connection.send(request).await?;
                Expect::ModelArn
                    .check(&reply)
                    .map_err(|why| anyhow::anyhow!("CreateModel {name}: {why}"))?;
                let body: serde_json::Value = serde_json::from_slice(&reply.body)?;
                let arn = body["ModelArn"].as_str().unwrap_or_default().to_owned();
                made.push((index, arn));
            }
            anyhow::Ok(made)
        }));
    }

    let mut arns = vec![String::new(); names.len()];
    for task in tasks {
        for (index, arn) in task.await.context("a setup task panicked")?? {
            arns[index] = arn;
        }
    }
    Ok(arns)
}
