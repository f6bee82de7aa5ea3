//! Hyperparameter tuning jobs launch training jobs (`sagemaker-tagging.md` §8).
//!
//! A tuning job runs in rounds of `step_seconds`: the first round's training jobs
//! are launched inside `CreateHyperParameterTuningJob`; each later round, a due
//! [`crate::lifecycle::TICK`] step, completes the running training jobs and
//! launches the next ones, up to `MaxParallelTrainingJobs` at a time and
//! `MaxNumberOfTrainingJobs` in all. A launched training job gets the tuning job's
//! tags as they are at that moment: the store copies them inside the transaction
//! that creates it, so tags added later reach only later jobs and tags deleted
//! later stay on earlier ones.

use serde_json::{json, Map, Value};

use sagetag_store::Update;
use sagetag_store::{
    ChildrenUpdate, ListQuery, NewResource, NewStep, Resource, SortKey, Step, Tag,
};

use crate::arn::ResourceKind;
use crate::context::{Caller, Ctx};
use crate::error::Error;
use crate::lifecycle::{self, TICK};
use crate::operations::create_training_job::computed_members;
use crate::operations::epoch;

/// The limits of a tuning job, from `HyperParameterTuningJobConfig.ResourceLimits`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Training jobs in all.
    pub total: usize,
    /// Training jobs at a time.
    pub parallel: usize,
}

impl Limits {
    /// Reads the limits from a tuning job's document. `MaxNumberOfTrainingJobs` is
    /// optional in the model (Hyperband may leave it out); sagetag then runs one
    /// round of `MaxParallelTrainingJobs`.
    pub fn of(document: &Value) -> Limits {
        let limits = &document["HyperParameterTuningJobConfig"]["ResourceLimits"];
        let number = |member: &str| limits[member].as_u64().map(|n| n.max(1) as usize);
        let parallel = number("MaxParallelTrainingJobs").unwrap_or(1);
        let total = number("MaxNumberOfTrainingJobs").unwrap_or(parallel);
        Limits {
            total,
            parallel: parallel.min(total),
        }
    }
}

/// The training jobs a tuning job launches as jobs `first..first + count`
/// (1-based), running from `now`.
pub fn launch(
    tuning_job: &Resource,
    first: usize,
    count: usize,
    now: f64,
    tags: Vec<Tag>,
) -> Vec<NewResource> {
    let caller = Caller {
        account: tuning_job.scope.account.clone(),
        region: tuning_job.scope.region.clone(),
    };
    (first..first + count)
        .map(|index| {
            let name = child_name(&tuning_job.name, index);
            let mut document = child_document(tuning_job, &name, index, now);
            document.extend(lifecycle::on_enter(
                ResourceKind::TrainingJob,
                "InProgress",
                now,
            ));
            NewResource {
                scope: tuning_job.scope.clone(),
                kind: ResourceKind::TrainingJob.arn_type().to_owned(),
                arn: ResourceKind::TrainingJob.arn(&caller, &name),
                name,
                status: Some("InProgress".to_owned()),
                document: Value::Object(document),
                created_at: now,
                tags: tags.clone(),
                parent: Some(tuning_job.arn.clone()),
                // The tuning job's rounds finish its training jobs; they have no
                // steps of their own unless stopped one by one.
                schedule: Vec::new(),
                children: Vec::new(),
            }
        })
        .collect()
}

/// `<tuning-job-name>-<NNN>-<8 lower-case hex>` (§8, O33).
fn child_name(tuning_job: &str, index: usize) -> String {
    let hex = uuid::Uuid::new_v4().simple().to_string();
    format!("{tuning_job}-{index:03}-{}", &hex[..8])
}

/// A launched training job's members: its definition's, the tuned values, and
/// what SageMaker computes.
fn child_document(tuning_job: &Resource, name: &str, index: usize, now: f64) -> Map<String, Value> {
    let doc = &tuning_job.document;
    let definition = match doc["TrainingJobDefinitions"].as_array() {
        Some(list) if !list.is_empty() => list[(index - 1) % list.len()].clone(),
        _ => doc["TrainingJobDefinition"].clone(),
    };
    let Value::Object(definition) = definition else {
        return Map::new();
    };

    let mut out = Map::new();
    for member in COPIED_FROM_DEFINITION {
        if let Some(v) = definition.get(*member) {
            out.insert((*member).to_owned(), v.clone());
        }
    }
    let mut hyper = definition
        .get("StaticHyperParameters")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    hyper.extend(tuned_values(doc, &definition, index));
    out.insert("HyperParameters".into(), Value::Object(hyper));
    out.insert("TuningJobArn".into(), Value::String(tuning_job.arn.clone()));
    let output_path = definition["OutputDataConfig"]["S3OutputPath"]
        .as_str()
        .unwrap_or("");
    out.extend(computed_members(name, output_path, now));
    out
}

/// Members of a training job definition that its training jobs carry as is.
const COPIED_FROM_DEFINITION: &[&str] = &[
    "AlgorithmSpecification",
    "RoleArn",
    "InputDataConfig",
    "OutputDataConfig",
    "ResourceConfig",
    "StoppingCondition",
    "VpcConfig",
    "EnableNetworkIsolation",
    "EnableInterContainerTrafficEncryption",
    "EnableManagedSpotTraining",
    "CheckpointConfig",
    "RetryStrategy",
    "Environment",
];

/// The names of the hyperparameters a tuning job tunes.
pub fn tuned_names(tuning_job: &Value) -> Vec<String> {
    let mut names = Vec::new();
    let mut collect = |ranges: &Value| {
        for family in RANGE_FAMILIES {
            for range in ranges[*family].as_array().into_iter().flatten() {
                if let Some(name) = range["Name"].as_str() {
                    names.push(name.to_owned());
                }
            }
        }
    };
    collect(&tuning_job["HyperParameterTuningJobConfig"]["ParameterRanges"]);
    collect(&tuning_job["TrainingJobDefinition"]["HyperParameterRanges"]);
    for definition in tuning_job["TrainingJobDefinitions"]
        .as_array()
        .into_iter()
        .flatten()
    {
        collect(&definition["HyperParameterRanges"]);
    }
    names
}

const RANGE_FAMILIES: &[&str] = &[
    "IntegerParameterRanges",
    "ContinuousParameterRanges",
    "CategoricalParameterRanges",
];

/// Values for the tuned hyperparameters of job `index`: spread over each range
/// deterministically (sagetag trains nothing, so any value in range will do).
fn tuned_values(
    tuning_job: &Value,
    definition: &Map<String, Value>,
    index: usize,
) -> Map<String, Value> {
    let ranges = match definition.get("HyperParameterRanges") {
        Some(r) => r.clone(),
        None => tuning_job["HyperParameterTuningJobConfig"]["ParameterRanges"].clone(),
    };
    let fraction = ((index as f64) * 0.618_033_988_75).fract();
    let mut values = Map::new();
    for range in ranges["IntegerParameterRanges"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let (Some(name), Some(min), Some(max)) = (
            range["Name"].as_str(),
            int(range, "MinValue"),
            int(range, "MaxValue"),
        ) else {
            continue;
        };
        let span = (max - min).max(0) as f64;
        let value = min + (span * fraction).round() as i64;
        values.insert(name.to_owned(), Value::String(value.to_string()));
    }
    for range in ranges["ContinuousParameterRanges"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let (Some(name), Some(min), Some(max)) = (
            range["Name"].as_str(),
            float(range, "MinValue"),
            float(range, "MaxValue"),
        ) else {
            continue;
        };
        let value = min + (max - min) * fraction;
        values.insert(name.to_owned(), Value::String(format!("{value}")));
    }
    for range in ranges["CategoricalParameterRanges"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let (Some(name), Some(choices)) = (range["Name"].as_str(), range["Values"].as_array())
        else {
            continue;
        };
        if let Some(choice) = choices.get((index - 1) % choices.len().max(1)) {
            values.insert(name.to_owned(), choice.clone());
        }
    }
    values
}

fn int(range: &Value, member: &str) -> Option<i64> {
    range[member].as_str()?.trim().parse().ok()
}

fn float(range: &Value, member: &str) -> Option<f64> {
    range[member].as_str()?.trim().parse().ok()
}

/// Every training job a tuning job has launched.
///
/// # Errors
/// Only store failures.
pub async fn children(ctx: &Ctx, tuning_job: &Resource) -> Result<Vec<Resource>, Error> {
    let mut all = Vec::new();
    let mut query = ListQuery {
        parent: Some(tuning_job.arn.clone()),
        sort_by: SortKey::Name,
        limit: 100,
        ..ListQuery::default()
    };
    loop {
        let page = ctx
            .store
            .list_resources(
                &tuning_job.scope,
                ResourceKind::TrainingJob.arn_type(),
                &query,
            )
            .await
            .map_err(Error::backend)?;
        all.extend(page.items);
        match page.next {
            Some(next) => query.after = Some(next),
            None => return Ok(all),
        }
    }
}

/// Counts of a tuning job's training jobs by status, as Describe and List show
/// them (`TrainingJobStatusCounters`, `ObjectiveStatusCounters`).
pub fn counters(children: &[Resource]) -> (Value, Value) {
    let count = |statuses: &[&str]| {
        children
            .iter()
            .filter(|c| c.status.as_deref().is_some_and(|s| statuses.contains(&s)))
            .count()
    };
    let completed = count(&["Completed"]);
    let running = count(&["InProgress", "Stopping"]);
    let stopped = count(&["Stopped"]);
    let failed = count(&["Failed"]);
    let training = json!({
        "Completed": completed,
        "InProgress": running,
        "RetryableError": 0,
        "NonRetryableError": failed,
        "Stopped": stopped,
    });
    let objective = json!({
        "Succeeded": completed,
        "Pending": running,
        "Failed": failed + stopped,
    });
    (training, objective)
}

/// Plans a tuning job's due round: finish the running training jobs, then launch
/// the next ones or, when all have been launched, complete the tuning job.
/// `None` when the tuning job is gone or no longer running.
///
/// # Errors
/// Only store failures.
pub async fn round(ctx: &Ctx, step: &Step, now: f64) -> Result<Option<Update>, Error> {
    let found = ctx
        .store
        .get_resource(&step.scope, &step.kind, &step.name)
        .await
        .map_err(Error::backend)?;
    let Some(job) = found else {
        return Ok(None);
    };
    if job.status.as_deref() != Some("InProgress") {
        return Ok(None);
    }

    let launched = children(ctx, &job).await?.len();
    let limits = Limits::of(&job.document);
    let next = limits.parallel.min(limits.total.saturating_sub(launched));

    let mut update = Update {
        scope: step.scope.clone(),
        kind: step.kind.clone(),
        name: step.name.clone(),
        expect_status: Some(vec!["InProgress".to_owned()]),
        step: Some(step.id),
        modified_at: now,
        children: Some(ChildrenUpdate {
            from: vec!["InProgress".to_owned()],
            status: "Completed".to_owned(),
            patch: lifecycle::on_enter(ResourceKind::TrainingJob, "Completed", now),
            cancel_steps: true,
        }),
        ..Update::default()
    };
    if next == 0 {
        update.status = Some("Completed".to_owned());
        update.patch = lifecycle::on_enter(job_kind(), "Completed", now);
    } else {
        // Tags come from the store inside the transaction (inherit_tags), so the
        // launched jobs see the tuning job's tags as they are at this moment.
        update.spawn = launch(&job, launched + 1, next, now, Vec::new());
        update.inherit_tags = true;
        update.schedule = vec![NewStep {
            due_at: now + ctx.step_seconds,
            action: format!("InProgress>{TICK}"),
        }];
    }
    Ok(Some(update))
}

fn job_kind() -> ResourceKind {
    ResourceKind::HyperParameterTuningJob
}

/// Describe and List members computed from the training jobs.
pub async fn computed(ctx: &Ctx, job: &Resource) -> Result<Map<String, Value>, Error> {
    let launched = children(ctx, job).await?;
    let (training, objective) = counters(&launched);
    let mut out = Map::new();
    out.insert("TrainingJobStatusCounters".into(), training);
    out.insert("ObjectiveStatusCounters".into(), objective);
    if let Some(best) = launched
        .iter()
        .find(|c| c.status.as_deref() == Some("Completed"))
    {
        let tuned = tuned_names(&job.document);
        out.insert(
            "BestTrainingJob".into(),
            training_summary(best, &job.name, &tuned),
        );
    }
    Ok(out)
}

/// A launched training job as `HyperParameterTrainingJobSummary`, its tuned
/// values picked out of its hyperparameters by the names in `tuned`.
pub fn training_summary(job: &Resource, tuning_job_name: &str, tuned: &[String]) -> Value {
    let all = job.document["HyperParameters"].as_object();
    let values: Map<String, Value> = tuned
        .iter()
        .filter_map(|n| Some((n.clone(), all?.get(n)?.clone())))
        .collect();
    let mut summary = json!({
        "TrainingJobName": job.name,
        "TrainingJobArn": job.arn,
        "TuningJobName": tuning_job_name,
        "CreationTime": epoch(job.created_at),
        "TrainingJobStatus": job.status,
        "TunedHyperParameters": values,
    });
    for member in ["TrainingStartTime", "TrainingEndTime"] {
        if let Some(v) = job.document.get(member) {
            summary[member] = v.clone();
        }
    }
    summary
}
