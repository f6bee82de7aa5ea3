//! A waiter of the SDK against sagetag's lifecycle: `Creating` → `InService`.

use std::time::Duration;

use aws_sdk_sagemaker::client::Waiters;
use aws_sdk_sagemaker::config::{AsyncSleep, SharedAsyncSleep, Sleep};
use aws_sdk_sagemaker::types::{EndpointStatus, ProductionVariant, ProductionVariantInstanceType};

use crate::server::{Server, ALICE};

/// Sleeps at most a quarter second, whatever is asked.
///
/// SageMaker's model makes `EndpointInService` wait 30 seconds between polls,
/// and the Rust SDK offers no knob for it. The SDK takes every pause through
/// its sleep implementation, so capping it keeps the waiter's own loop (poll,
/// match `EndpointStatus`, pause, poll again) while the test stays short.
#[derive(Debug)]
struct ShortSleep;

impl AsyncSleep for ShortSleep {
    fn sleep(&self, duration: Duration) -> Sleep {
        Sleep::new(tokio::time::sleep(duration.min(Duration::from_millis(250))))
    }
}

#[tokio::test]
async fn the_endpoint_in_service_waiter_sees_the_endpoint_come_up() {
    let server = Server::start(); // --lifecycle-seconds 1
    let shared = server.sdk_config(&ALICE).await;
    let config = aws_sdk_sagemaker::config::Builder::from(&shared)
        .sleep_impl(SharedAsyncSleep::new(ShortSleep))
        .build();
    let sm = aws_sdk_sagemaker::Client::from_conf(config);

    sm.create_model()
        .model_name("m")
        .send()
        .await
        .expect("CreateModel");
    let variant = ProductionVariant::builder()
        .variant_name("v")
        .model_name("m")
        .initial_instance_count(1)
        .instance_type(ProductionVariantInstanceType::MlM5Large)
        .build();
    sm.create_endpoint_config()
        .endpoint_config_name("c")
        .production_variants(variant)
        .send()
        .await
        .expect("CreateEndpointConfig");
    sm.create_endpoint()
        .endpoint_name("e")
        .endpoint_config_name("c")
        .send()
        .await
        .expect("CreateEndpoint");
    let status = sm.describe_endpoint().endpoint_name("e").send().await;
    assert_eq!(
        status.expect("DescribeEndpoint").endpoint_status(),
        Some(&EndpointStatus::Creating)
    );

    let done = sm
        .wait_until_endpoint_in_service()
        .endpoint_name("e")
        .wait(Duration::from_secs(600))
        .await
        .unwrap_or_else(|err| panic!("waiter failed: {err:?}\n{}", server.stderr()));
    let output = done.as_result().expect("a final DescribeEndpoint");
    assert_eq!(output.endpoint_status(), Some(&EndpointStatus::InService));
}
