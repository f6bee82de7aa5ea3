//! Lifecycles driven by an injected clock: statuses move only when the clock says
//! so, tuning jobs launch training jobs with the tags of the moment, and a
//! restarted store resumes where it stopped (`resources.md` §4,
//! `sagemaker-tagging.md` §8). Operations run through the same table the server
//! dispatches from; the store is the real SQLite backend.

use std::sync::Arc;

use serde_json::{json, Value};

use sagetag_ops::{Caller, Ctx, ManualClock, Operation};
use sagetag_server::scheduler::run_due;
use sagetag_store_sqlite::SqliteStore;

const START: f64 = 1_800_000_000.0;

struct World {
    clock: Arc<ManualClock>,
    ctx: Ctx,
    caller: Caller,
    dir: tempfile::TempDir,
}

impl World {
    fn new(step_seconds: f64) -> World {
        let dir = tempfile::tempdir().unwrap();
        World::open(dir, Arc::new(ManualClock::new(START)), step_seconds)
    }

    fn open(dir: tempfile::TempDir, clock: Arc<ManualClock>, step_seconds: f64) -> World {
        let store = SqliteStore::open(dir.path()).unwrap();
        let ctx = Ctx {
            store: Arc::new(store),
            clock: clock.clone(),
            step_seconds,
        };
        let caller = Caller {
            account: "123456789012".into(),
            region: "us-east-1".into(),
        };
        World {
            clock,
            ctx,
            caller,
            dir,
        }
    }

    /// Drops the store and opens the same directory again, as a restart does.
    fn restart(self) -> World {
        let World {
            clock, ctx, dir, ..
        } = self;
        let step_seconds = ctx.step_seconds;
        drop(ctx);
        World::open(dir, clock, step_seconds)
    }

    async fn call(&self, operation: &str, input: Value) -> Result<Value, sagetag_ops::Error> {
        let op = Operation::from_name(operation).expect("known operation");
        let body = op.execute(&self.ctx, &self.caller, input).await?;
        Ok(serde_json::from_slice(&body).expect("the output is JSON"))
    }

    async fn ok(&self, operation: &str, input: Value) -> Value {
        match self.call(operation, input).await {
            Ok(v) => v,
            Err(e) => panic!("{operation} failed: {e:?}"),
        }
    }

    /// Moves time on and runs whatever fell due.
    async fn advance(&self, seconds: f64) {
        self.clock.advance(seconds);
        run_due(&self.ctx).await.unwrap();
    }

    async fn tags(&self, arn: &str) -> Vec<(String, String)> {
        let out = self.ok("ListTags", json!({ "ResourceArn": arn })).await;
        out["Tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["Key"].as_str().unwrap().into(),
                    t["Value"].as_str().unwrap().into(),
                )
            })
            .collect()
    }
}

fn tag(key: &str, value: &str) -> (String, String) {
    (key.into(), value.into())
}

async fn endpoint_prerequisites(w: &World) {
    w.ok("CreateModel", json!({ "ModelName": "m" })).await;
    let variants = json!([{ "VariantName": "v", "ModelName": "m", "InitialInstanceCount": 1,
                            "InstanceType": "ml.m5.large" }]);
    w.ok(
        "CreateEndpointConfig",
        json!({ "EndpointConfigName": "c", "ProductionVariants": variants }),
    )
    .await;
}

#[tokio::test]
async fn endpoint_moves_from_creating_to_in_service_only_when_the_clock_says() {
    let w = World::new(5.0);
    endpoint_prerequisites(&w).await;
    w.ok(
        "CreateEndpoint",
        json!({ "EndpointName": "E", "EndpointConfigName": "c" }),
    )
    .await;
    let status = |v: Value| v["EndpointStatus"].as_str().unwrap().to_owned();

    let described = w
        .ok("DescribeEndpoint", json!({ "EndpointName": "E" }))
        .await;
    assert_eq!(status(described), "Creating");

    w.advance(4.9).await;
    let described = w
        .ok("DescribeEndpoint", json!({ "EndpointName": "E" }))
        .await;
    assert_eq!(status(described), "Creating");

    w.advance(0.1).await;
    let described = w
        .ok("DescribeEndpoint", json!({ "EndpointName": "E" }))
        .await;
    assert_eq!(status(described.clone()), "InService");
    assert_eq!(described["LastModifiedTime"], json!(START + 5.0));

    w.ok("DeleteEndpoint", json!({ "EndpointName": "e" })).await;
    let described = w
        .ok("DescribeEndpoint", json!({ "EndpointName": "E" }))
        .await;
    assert_eq!(status(described), "Deleting");
    w.advance(5.0).await;
    let gone = w
        .call("DescribeEndpoint", json!({ "EndpointName": "E" }))
        .await;
    assert!(
        matches!(gone, Err(sagetag_ops::Error::Validation(_))),
        "{gone:?}"
    );
}

#[tokio::test]
async fn zero_second_steps_settle_inside_the_request() {
    let w = World::new(0.0);
    endpoint_prerequisites(&w).await;
    w.ok(
        "CreateEndpoint",
        json!({ "EndpointName": "e", "EndpointConfigName": "c" }),
    )
    .await;
    let described = w
        .ok("DescribeEndpoint", json!({ "EndpointName": "e" }))
        .await;
    assert_eq!(described["EndpointStatus"], "InService");
    w.ok("DeleteEndpoint", json!({ "EndpointName": "e" })).await;
    assert!(w
        .call("DescribeEndpoint", json!({ "EndpointName": "e" }))
        .await
        .is_err());
}

#[tokio::test]
async fn notebook_instance_stops_starts_and_deletes_only_when_stopped() {
    let w = World::new(1.0);
    let create = json!({ "NotebookInstanceName": "nb", "InstanceType": "ml.t3.medium",
                         "RoleArn": "arn:aws:iam::123456789012:role/r" });
    w.ok("CreateNotebookInstance", create).await;
    let name = json!({ "NotebookInstanceName": "nb" });
    let status = |v: &Value| v["NotebookInstanceStatus"].as_str().unwrap().to_owned();

    assert_eq!(
        status(&w.ok("DescribeNotebookInstance", name.clone()).await),
        "Pending"
    );
    let early = w
        .call("DeleteNotebookInstance", name.clone())
        .await
        .unwrap_err();
    assert_eq!(
        early.to_string(),
        "Status (Pending) not in ([Stopped, Failed]). Unable to transition to (Deleting) for \
         Notebook Instance (arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/nb)."
    );

    w.advance(1.0).await;
    assert_eq!(
        status(&w.ok("DescribeNotebookInstance", name.clone()).await),
        "InService"
    );
    w.ok("StopNotebookInstance", name.clone()).await;
    assert_eq!(
        status(&w.ok("DescribeNotebookInstance", name.clone()).await),
        "Stopping"
    );
    w.advance(1.0).await;
    assert_eq!(
        status(&w.ok("DescribeNotebookInstance", name.clone()).await),
        "Stopped"
    );

    w.ok("StartNotebookInstance", name.clone()).await;
    w.advance(1.0).await;
    assert_eq!(
        status(&w.ok("DescribeNotebookInstance", name.clone()).await),
        "InService"
    );
    w.ok("StopNotebookInstance", name.clone()).await;
    w.advance(1.0).await;
    w.ok("DeleteNotebookInstance", name.clone()).await;
    assert_eq!(
        status(&w.ok("DescribeNotebookInstance", name.clone()).await),
        "Deleting"
    );
    w.advance(1.0).await;
    let gone = w.call("DescribeNotebookInstance", name).await.unwrap_err();
    assert_eq!(gone.to_string(), "RecordNotFound");
}

#[tokio::test]
async fn labeling_job_walks_initializing_in_progress_completed() {
    let w = World::new(2.0);
    let team = w
        .ok(
            "CreateWorkteam",
            json!({ "WorkteamName": "team", "Description": "d", "MemberDefinitions": [
                { "CognitoMemberDefinition": { "UserPool": "us-east-1_pool", "UserGroup": "g",
                                               "ClientId": "c" } }] }),
        )
        .await;
    let arn = team["WorkteamArn"].as_str().unwrap().to_owned();
    w.ok("CreateLabelingJob", labeling_job("lj", &arn)).await;
    let name = json!({ "LabelingJobName": "lj" });
    let status = |v: &Value| v["LabelingJobStatus"].as_str().unwrap().to_owned();

    assert_eq!(
        status(&w.ok("DescribeLabelingJob", name.clone()).await),
        "Initializing"
    );
    w.advance(2.0).await;
    assert_eq!(
        status(&w.ok("DescribeLabelingJob", name.clone()).await),
        "InProgress"
    );
    w.advance(2.0).await;
    assert_eq!(
        status(&w.ok("DescribeLabelingJob", name.clone()).await),
        "Completed"
    );

    let listed = w
        .ok("ListLabelingJobsForWorkteam", json!({ "WorkteamArn": arn }))
        .await;
    assert_eq!(listed["LabelingJobSummaryList"][0]["LabelingJobName"], "lj");
}

fn labeling_job(name: &str, workteam: &str) -> Value {
    json!({
        "LabelingJobName": name,
        "LabelAttributeName": "label",
        "InputConfig": { "DataSource": { "S3DataSource": { "ManifestS3Uri": "s3://b/m" } } },
        "OutputConfig": { "S3OutputPath": "s3://b/out" },
        "RoleArn": "arn:aws:iam::123456789012:role/r",
        "HumanTaskConfig": {
            "WorkteamArn": workteam,
            "UiConfig": { "UiTemplateS3Uri": "s3://b/t" },
            "PreHumanTaskLambdaArn": "arn:aws:lambda:us-east-1:432418664414:function:PRE-x",
            "TaskTitle": "t",
            "TaskDescription": "d",
            "NumberOfHumanWorkersPerDataObject": 1,
            "TaskTimeLimitInSeconds": 300,
            "AnnotationConsolidationConfig": {
                "AnnotationConsolidationLambdaArn":
                    "arn:aws:lambda:us-east-1:432418664414:function:ACS-x"
            }
        }
    })
}

fn tuning_job(name: &str, total: u64, parallel: u64) -> Value {
    json!({
        "HyperParameterTuningJobName": name,
        "HyperParameterTuningJobConfig": {
            "Strategy": "Random",
            "ResourceLimits": { "MaxNumberOfTrainingJobs": total,
                                "MaxParallelTrainingJobs": parallel },
            "ParameterRanges": { "IntegerParameterRanges": [
                { "Name": "epochs", "MinValue": "1", "MaxValue": "10" }] }
        },
        "TrainingJobDefinition": {
            "AlgorithmSpecification": { "TrainingImage": "img", "TrainingInputMode": "File" },
            "RoleArn": "arn:aws:iam::123456789012:role/r",
            "OutputDataConfig": { "S3OutputPath": "s3://b/out" },
            "ResourceConfig": { "InstanceType": "ml.m5.large", "InstanceCount": 1,
                                "VolumeSizeInGB": 1 },
            "StoppingCondition": { "MaxRuntimeInSeconds": 60 },
            "StaticHyperParameters": { "lr": "0.1" }
        },
        "Tags": [{ "Key": "team", "Value": "ml" }, { "Key": "stage", "Value": "dev" }]
    })
}

async fn training_jobs(w: &World, tuning: &str) -> Vec<Value> {
    let out = w
        .ok(
            "ListTrainingJobsForHyperParameterTuningJob",
            json!({ "HyperParameterTuningJobName": tuning, "MaxResults": 100 }),
        )
        .await;
    out["TrainingJobSummaries"].as_array().unwrap().clone()
}

#[tokio::test]
async fn tuning_job_tags_reach_only_training_jobs_launched_afterwards() {
    let w = World::new(10.0);
    let out = w
        .ok("CreateHyperParameterTuningJob", tuning_job("tune", 3, 1))
        .await;
    let tuning_arn = out["HyperParameterTuningJobArn"]
        .as_str()
        .unwrap()
        .to_owned();

    // The first training job is launched before Create returns, with the create tags.
    let jobs = training_jobs(&w, "tune").await;
    assert_eq!(jobs.len(), 1);
    let first = jobs[0]["TrainingJobArn"].as_str().unwrap().to_owned();
    assert_eq!(
        w.tags(&first).await,
        vec![tag("team", "ml"), tag("stage", "dev")]
    );

    // A tag added now reaches the second job only; a tag deleted now stays on the
    // first and second but not the third.
    w.ok(
        "AddTags",
        json!({ "ResourceArn": tuning_arn, "Tags": [{ "Key": "cost", "Value": "1" }] }),
    )
    .await;
    w.advance(10.0).await;
    let jobs = training_jobs(&w, "tune").await;
    assert_eq!(jobs.len(), 2);
    let second = jobs[1]["TrainingJobArn"].as_str().unwrap().to_owned();
    assert_eq!(jobs[0]["TrainingJobStatus"], "Completed");
    assert_eq!(jobs[1]["TrainingJobStatus"], "InProgress");

    w.ok(
        "DeleteTags",
        json!({ "ResourceArn": tuning_arn, "TagKeys": ["stage"] }),
    )
    .await;
    w.advance(10.0).await;
    let jobs = training_jobs(&w, "tune").await;
    assert_eq!(jobs.len(), 3);
    let third = jobs[2]["TrainingJobArn"].as_str().unwrap().to_owned();

    assert_eq!(
        w.tags(&first).await,
        vec![tag("team", "ml"), tag("stage", "dev")]
    );
    assert_eq!(
        w.tags(&second).await,
        vec![tag("team", "ml"), tag("stage", "dev"), tag("cost", "1")]
    );
    assert_eq!(
        w.tags(&third).await,
        vec![tag("team", "ml"), tag("cost", "1")]
    );

    // Names follow <tuning>-NNN-<8 hex>, and each knows its tuning job.
    for (i, job) in jobs.iter().enumerate() {
        let name = job["TrainingJobName"].as_str().unwrap();
        let prefix = format!("tune-{:03}-", i + 1);
        assert!(name.starts_with(&prefix), "{name}");
        let hex = &name[prefix.len()..];
        assert!(
            hex.len() == 8 && hex.chars().all(|c| c.is_ascii_hexdigit()),
            "{name}"
        );
        let described = w
            .ok("DescribeTrainingJob", json!({ "TrainingJobName": name }))
            .await;
        assert_eq!(described["TuningJobArn"], json!(tuning_arn));
    }

    // The tuning job completes when its last training job does.
    let described = w
        .ok(
            "DescribeHyperParameterTuningJob",
            json!({ "HyperParameterTuningJobName": "tune" }),
        )
        .await;
    assert_eq!(described["HyperParameterTuningJobStatus"], "InProgress");
    w.advance(10.0).await;
    let described = w
        .ok(
            "DescribeHyperParameterTuningJob",
            json!({ "HyperParameterTuningJobName": "tune" }),
        )
        .await;
    assert_eq!(described["HyperParameterTuningJobStatus"], "Completed");
    assert_eq!(described["TrainingJobStatusCounters"]["Completed"], 3);
    assert_eq!(training_jobs(&w, "tune").await.len(), 3);
}

#[tokio::test]
async fn tuning_job_respects_parallel_and_total_limits_and_stops_its_jobs() {
    let w = World::new(3.0);
    w.ok("CreateHyperParameterTuningJob", tuning_job("t", 5, 2))
        .await;
    assert_eq!(training_jobs(&w, "t").await.len(), 2);
    w.advance(3.0).await;
    let jobs = training_jobs(&w, "t").await;
    assert_eq!(jobs.len(), 4);
    let running = jobs
        .iter()
        .filter(|j| j["TrainingJobStatus"] == "InProgress")
        .count();
    assert_eq!(running, 2);

    w.ok(
        "StopHyperParameterTuningJob",
        json!({ "HyperParameterTuningJobName": "t" }),
    )
    .await;
    w.advance(3.0).await;
    let jobs = training_jobs(&w, "t").await;
    assert_eq!(jobs.len(), 4, "no launch after a stop");
    let stopped = jobs
        .iter()
        .filter(|j| j["TrainingJobStatus"] == "Stopped")
        .count();
    assert_eq!(stopped, 2);
    let described = w
        .ok(
            "DescribeHyperParameterTuningJob",
            json!({ "HyperParameterTuningJobName": "t" }),
        )
        .await;
    assert_eq!(described["HyperParameterTuningJobStatus"], "Stopped");
}

#[tokio::test]
async fn the_scheduler_resumes_after_a_restart() {
    let w = World::new(5.0);
    w.ok("CreateHyperParameterTuningJob", tuning_job("r", 2, 1))
        .await;
    let w = w.restart();
    w.advance(5.0).await;
    assert_eq!(training_jobs(&w, "r").await.len(), 2);
    let w = w.restart();
    w.advance(5.0).await;
    let described = w
        .ok(
            "DescribeHyperParameterTuningJob",
            json!({ "HyperParameterTuningJobName": "r" }),
        )
        .await;
    assert_eq!(described["HyperParameterTuningJobStatus"], "Completed");
}

#[tokio::test]
async fn training_job_deletes_only_when_finished_and_the_name_is_reusable() {
    let w = World::new(1.0);
    let create = json!({ "TrainingJobName": "Job", "RoleArn": "arn:aws:iam::123456789012:role/r",
                         "OutputDataConfig": { "S3OutputPath": "s3://b/o" } });
    let arn = w.ok("CreateTrainingJob", create.clone()).await["TrainingJobArn"].clone();
    assert_eq!(
        arn,
        "arn:aws:sagemaker:us-east-1:123456789012:training-job/Job"
    );
    let name = json!({ "TrainingJobName": "Job" });
    assert!(w.call("DeleteTrainingJob", name.clone()).await.is_err());
    let dup = w
        .call("CreateTrainingJob", create.clone())
        .await
        .unwrap_err();
    assert!(
        matches!(dup, sagetag_ops::Error::ResourceInUse(_)),
        "{dup:?}"
    );

    w.advance(1.0).await;
    let described = w.ok("DescribeTrainingJob", name.clone()).await;
    assert_eq!(described["TrainingJobStatus"], "Completed");
    assert_eq!(described["SecondaryStatus"], "Completed");
    assert_eq!(
        described["ModelArtifacts"]["S3ModelArtifacts"],
        "s3://b/o/Job/output/model.tar.gz"
    );
    w.ok("DeleteTrainingJob", name.clone()).await;
    w.advance(1.0).await;
    w.ok("CreateTrainingJob", create).await;
    assert!(w.tags(arn.as_str().unwrap()).await.is_empty());
    let _ = &w.dir;
}
