//! The SDK's paginators against sagetag's NextToken.

use crate::server::{Server, ALICE};

#[tokio::test]
async fn list_models_pages_through_every_model() {
    let server = Server::start();
    let sm = server.client(&ALICE).await;
    let mut created = Vec::new();
    for i in 0..7 {
        let name = format!("model-{i}");
        sm.create_model()
            .model_name(&name)
            .send()
            .await
            .expect("CreateModel");
        created.push(name);
    }

    let pages: Vec<_> = sm
        .list_models()
        .sort_by(aws_sdk_sagemaker::types::ModelSortKey::Name)
        .sort_order(aws_sdk_sagemaker::types::OrderKey::Ascending)
        .max_results(3)
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .expect("ListModels pages");

    assert_eq!(pages.len(), 3, "7 models, 3 a page");
    let names: Vec<String> = pages
        .iter()
        .flat_map(|page| page.models())
        .map(|m| m.model_name().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(names, created);
    assert!(pages.last().is_some_and(|p| p.next_token().is_none()));
}
