//! Lifecycles (`resources.md` §4): where each kind starts, what follows each
//! status by itself, and the steps that carry those changes out later.
//!
//! A change that happens "by itself" is a durable [`Step`] in the store, due
//! `step_seconds` after the status was entered. The server's scheduler hands due
//! steps to [`run_step`]; the store removes a step in the same transaction that
//! applies it, so each takes effect exactly once even with several servers, and a
//! restarted server resumes where the last one stopped. With `step_seconds` 0 no
//! step is stored: the whole chain settles inside the request.

use serde_json::{Map, Value};

use sagetag_store::{self as store, ChildrenUpdate, NewStep, Step, Update};

use crate::arn::ResourceKind;
use crate::context::Ctx;
use crate::error::Error;
use crate::operations::epoch;
use crate::tuning;

/// What follows a status by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum After {
    /// Another status.
    Status(&'static str),
    /// The resource goes away (the end of `Deleting`).
    Gone,
    /// A tuning job's next round: finish the running training jobs, launch more.
    Tick,
}

/// The status a new resource of `kind` starts in, for kinds that have one.
pub fn initial_status(kind: ResourceKind) -> Option<&'static str> {
    match kind {
        ResourceKind::Endpoint => Some("Creating"),
        ResourceKind::NotebookInstance => Some("Pending"),
        ResourceKind::TrainingJob
        | ResourceKind::HyperParameterTuningJob
        | ResourceKind::TransformJob => Some("InProgress"),
        ResourceKind::LabelingJob => Some("Initializing"),
        ResourceKind::Model | ResourceKind::EndpointConfig | ResourceKind::Workteam => None,
    }
}

/// What follows `status` of a `kind` one step later, if anything does.
pub fn after(kind: ResourceKind, status: &str) -> Option<After> {
    use ResourceKind as K;
    let next = match (kind, status) {
        (K::Endpoint, "Creating" | "Updating") => After::Status("InService"),
        (K::NotebookInstance, "Pending") => After::Status("InService"),
        (K::TrainingJob | K::TransformJob, "InProgress") => After::Status("Completed"),
        (K::HyperParameterTuningJob, "InProgress") => After::Tick,
        (K::LabelingJob, "Initializing") => After::Status("InProgress"),
        (K::LabelingJob, "InProgress") => After::Status("Completed"),
        (
            K::NotebookInstance
            | K::TrainingJob
            | K::TransformJob
            | K::LabelingJob
            | K::HyperParameterTuningJob,
            "Stopping",
        ) => After::Status("Stopped"),
        (
            K::Endpoint | K::NotebookInstance | K::TrainingJob | K::HyperParameterTuningJob,
            "Deleting",
        ) => After::Gone,
        _ => return None,
    };
    Some(next)
}

/// Members a resource takes when it enters `status` at `now`.
pub fn on_enter(kind: ResourceKind, status: &str, now: f64) -> Map<String, Value> {
    let mut patch = Map::new();
    match (kind, status) {
        (ResourceKind::TrainingJob, _) => {
            patch.insert("SecondaryStatus".into(), secondary_status(status).into());
            if matches!(status, "Completed" | "Stopped") {
                patch.insert("TrainingEndTime".into(), epoch(now));
            }
        }
        (ResourceKind::TransformJob, "Completed" | "Stopped") => {
            patch.insert("TransformEndTime".into(), epoch(now));
        }
        (ResourceKind::HyperParameterTuningJob, "Completed" | "Stopped") => {
            patch.insert("HyperParameterTuningEndTime".into(), epoch(now));
        }
        _ => {}
    }
    patch
}

/// A training job's `SecondaryStatus` for its `TrainingJobStatus`.
pub fn secondary_status(status: &str) -> &'static str {
    match status {
        "InProgress" => "Starting",
        "Completed" => "Completed",
        "Stopping" => "Stopping",
        "Stopped" => "Stopped",
        "Deleting" => "Deleting",
        _ => "Failed",
    }
}

/// Where a resource that just entered a status ends up.
#[derive(Debug, Default)]
pub struct Plan {
    /// The status it is in once zero-length steps have settled.
    pub status: String,
    /// Members to set on the way.
    pub patch: Map<String, Value>,
    /// The step to store, if a change follows later.
    pub schedule: Vec<NewStep>,
    /// Whether it is gone once zero-length steps have settled.
    pub gone: bool,
}

/// Plans the life of a resource of `kind` that enters `status` at `now`: with
/// steps of zero seconds the chain settles at once; otherwise one step is stored,
/// due after `step_seconds`. A tuning job's rounds are never settled here (see
/// [`crate::tuning`]).
pub fn plan(kind: ResourceKind, status: &str, now: f64, step_seconds: f64) -> Plan {
    let mut plan = Plan {
        status: status.to_owned(),
        patch: on_enter(kind, status, now),
        ..Plan::default()
    };
    while let Some(next) = after(kind, &plan.status) {
        if step_seconds > 0.0 || next == After::Tick {
            let to = match next {
                After::Status(s) => s,
                After::Gone => "",
                After::Tick => TICK,
            };
            plan.schedule.push(NewStep {
                due_at: now + step_seconds,
                action: format!("{}>{to}", plan.status),
            });
            break;
        }
        match next {
            After::Status(s) => {
                plan.patch.extend(on_enter(kind, s, now));
                plan.status = s.to_owned();
            }
            After::Gone | After::Tick => {
                plan.gone = true;
                break;
            }
        }
    }
    plan
}

/// The action word of a tuning job's round.
pub const TICK: &str = "tick";

/// Carries out one due step: moves its resource on, and stores the step after
/// that, all in one store transaction that also removes this step.
///
/// A step whose resource moved meanwhile (a Stop or Delete cancelled it, or
/// another server ran it) is dropped without effect.
///
/// # Errors
/// Only store failures; the scheduler retries the step later.
pub async fn run_step(ctx: &Ctx, step: &Step) -> Result<(), Error> {
    let Some(kind) = ResourceKind::from_arn_type(&step.kind) else {
        return consume(ctx, step).await;
    };
    let Some((from, to)) = step.action.split_once('>') else {
        return consume(ctx, step).await;
    };
    let now = ctx.now();

    let update = if to == TICK {
        match tuning::round(ctx, step, now).await? {
            Some(update) => update,
            None => return consume(ctx, step).await,
        }
    } else {
        let mut update = Update {
            scope: step.scope.clone(),
            kind: step.kind.clone(),
            name: step.name.clone(),
            expect_status: Some(vec![from.to_owned()]),
            step: Some(step.id),
            modified_at: now,
            ..Update::default()
        };
        if to.is_empty() {
            update.delete = true;
        } else {
            let plan = plan(kind, to, now, ctx.step_seconds);
            update.status = Some(plan.status.clone());
            update.patch = plan.patch;
            update.schedule = plan.schedule;
            update.delete = plan.gone;
            if kind == ResourceKind::HyperParameterTuningJob && plan.status == "Stopped" {
                update.children = Some(stop_children(now, "Stopping", "Stopped"));
            }
        }
        update
    };

    match ctx.store.update_resource(update).await {
        Ok(_) | Err(store::Error::StepGone) | Err(store::Error::NotFound) => Ok(()),
        Err(store::Error::StatusConflict { .. }) => consume(ctx, step).await,
        Err(err) => Err(Error::backend(err)),
    }
}

/// The change a tuning job's stop makes to its training jobs.
pub fn stop_children(now: f64, from: &str, to: &str) -> ChildrenUpdate {
    ChildrenUpdate {
        from: vec![from.to_owned()],
        status: to.to_owned(),
        patch: on_enter(ResourceKind::TrainingJob, to, now),
        cancel_steps: true,
    }
}

/// Removes a step that has nothing left to do.
async fn consume(ctx: &Ctx, step: &Step) -> Result<(), Error> {
    let update = Update {
        scope: step.scope.clone(),
        kind: step.kind.clone(),
        name: step.name.clone(),
        step: Some(step.id),
        modified_at: ctx.now(),
        ..Update::default()
    };
    match ctx.store.update_resource(update).await {
        Ok(_) | Err(store::Error::StepGone) | Err(store::Error::NotFound) => Ok(()),
        Err(err) => Err(Error::backend(err)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_second_steps_settle_at_once() {
        let p = plan(ResourceKind::Endpoint, "Creating", 10.0, 0.0);
        assert_eq!(p.status, "InService");
        assert!(p.schedule.is_empty() && !p.gone);

        let p = plan(ResourceKind::LabelingJob, "Initializing", 10.0, 0.0);
        assert_eq!(p.status, "Completed");

        let p = plan(ResourceKind::TrainingJob, "InProgress", 10.0, 0.0);
        assert_eq!(p.status, "Completed");
        assert_eq!(p.patch["SecondaryStatus"], "Completed");
        assert_eq!(p.patch["TrainingEndTime"], 10.0);

        let p = plan(ResourceKind::NotebookInstance, "Deleting", 10.0, 0.0);
        assert!(p.gone);
    }

    #[test]
    fn later_steps_are_stored_one_at_a_time() {
        let p = plan(ResourceKind::LabelingJob, "Initializing", 10.0, 5.0);
        assert_eq!(p.status, "Initializing");
        assert_eq!(
            p.schedule,
            vec![NewStep {
                due_at: 15.0,
                action: "Initializing>InProgress".into()
            }]
        );
        let p = plan(ResourceKind::Endpoint, "Deleting", 10.0, 1.0);
        assert_eq!(p.schedule[0].action, "Deleting>");
        assert!(!p.gone);
    }

    #[test]
    fn tuning_rounds_are_always_steps() {
        let p = plan(
            ResourceKind::HyperParameterTuningJob,
            "InProgress",
            10.0,
            0.0,
        );
        assert_eq!(p.status, "InProgress");
        assert_eq!(p.schedule[0].action, "InProgress>tick");
        assert_eq!(p.schedule[0].due_at, 10.0);
    }

    #[test]
    fn kinds_without_status_have_no_lifecycle() {
        assert_eq!(initial_status(ResourceKind::Model), None);
        assert_eq!(after(ResourceKind::Model, "InService"), None);
        assert_eq!(after(ResourceKind::TransformJob, "Deleting"), None);
    }
}
