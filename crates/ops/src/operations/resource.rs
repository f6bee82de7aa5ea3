//! What the `Create*`, `Describe*`, `List*`, `Stop*`, `Start*` and `Delete*`
//! operations of the nine kinds have in common, driven by their [`KindSpec`].

use serde::Deserialize;
use serde_json::{Map, Value};

use sagetag_store::{self as store, ListQuery, NewResource, Resource, SortKey, Tag, Update};

use super::epoch;
use crate::context::{Caller, Ctx};
use crate::error::Error;
use crate::kinds::KindSpec;
use crate::lifecycle;
use crate::tags::{self, TagInput};
use crate::timestamp;
use crate::token;

/// A `Create*` request taken apart: the name, the tags (checked under every
/// AddTags rule, `resources.md` §3) and the members to keep.
#[derive(Debug)]
pub struct CreateRequest {
    /// The new resource's name.
    pub name: String,
    /// Its tags, missing values as `""`.
    pub tags: Vec<Tag>,
    /// The members Describe will show, without name and tags.
    pub document: Map<String, Value>,
}

impl CreateRequest {
    /// Takes a validated, pruned `Create*` input apart.
    ///
    /// # Errors
    /// `ValidationException` for an `aws:` or duplicate tag key.
    pub fn parse(spec: &KindSpec, mut input: Map<String, Value>) -> Result<CreateRequest, Error> {
        let name = match input.remove(spec.name_member) {
            Some(Value::String(name)) => name,
            _ => String::new(),
        };
        let tags = match input.remove("Tags") {
            None | Some(Value::Null) => Vec::new(),
            Some(value) => {
                let given: Vec<TagInput> = serde_json::from_value(value)
                    .map_err(|e| Error::Serialization(e.to_string()))?;
                tags::normalize(given)
            }
        };
        tags::check_new_tags(&tags)?;
        Ok(CreateRequest {
            name,
            tags,
            document: input,
        })
    }

    /// A string member of the request, if present.
    pub fn str(&self, member: &str) -> Option<&str> {
        self.document.get(member).and_then(Value::as_str)
    }
}

/// What else a create stores beside the request.
#[derive(Debug, Default)]
pub struct Extras {
    /// Members SageMaker computes at creation.
    pub computed: Map<String, Value>,
    /// The resource this one belongs to.
    pub parent: Option<String>,
    /// Resources created in the same transaction.
    pub children: Vec<NewResource>,
}

/// Creates the resource of a `Create*` request, starting its lifecycle.
///
/// # Errors
/// The kind's duplicate answer when the name is taken.
pub async fn create(
    ctx: &Ctx,
    caller: &Caller,
    spec: &KindSpec,
    request: CreateRequest,
    extras: Extras,
) -> Result<String, Error> {
    let now = ctx.now();
    let arn = spec.kind.arn(caller, &request.name);
    let mut document = request.document;
    document.extend(extras.computed);

    let (status, schedule) = match lifecycle::initial_status(spec.kind) {
        Some(initial) => {
            let plan = lifecycle::plan(spec.kind, initial, now, ctx.step_seconds);
            document.extend(plan.patch);
            (Some(plan.status), plan.schedule)
        }
        None => (None, Vec::new()),
    };

    let resource = NewResource {
        scope: caller.scope(),
        kind: spec.kind.arn_type().to_owned(),
        name: request.name,
        arn: arn.clone(),
        status,
        document: Value::Object(document),
        created_at: now,
        tags: request.tags,
        parent: extras.parent,
        schedule,
        children: extras.children,
    };
    let name = resource.name.clone();
    match ctx.store.create_resource(resource).await {
        Ok(_) => Ok(arn),
        Err(store::Error::AlreadyExists) => Err(spec.duplicate(caller, &name)),
        Err(err) => Err(Error::backend(err)),
    }
}

/// Looks a resource of `spec`'s kind up by name (case-insensitively).
///
/// # Errors
/// The kind's missing answer.
pub async fn find(
    ctx: &Ctx,
    caller: &Caller,
    spec: &KindSpec,
    name: &str,
) -> Result<Resource, Error> {
    let found = ctx
        .store
        .get_resource(&caller.scope(), spec.kind.arn_type(), name)
        .await
        .map_err(Error::backend)?;
    found.ok_or_else(|| spec.missing(caller, name))
}

/// The Describe view of a resource: name, ARN and status, what was created, and
/// the creation and modification times as epoch seconds.
pub fn view(spec: &KindSpec, resource: &Resource) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert(
        spec.name_member.into(),
        Value::String(resource.name.clone()),
    );
    out.insert(spec.arn_member.into(), Value::String(resource.arn.clone()));
    if let (Some(member), Some(status)) = (spec.status_member, &resource.status) {
        out.insert(member.into(), Value::String(status.clone()));
    }
    if let Value::Object(document) = &resource.document {
        out.extend(document.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    out.insert(spec.created_member.into(), epoch(resource.created_at));
    if let Some(member) = spec.modified_member {
        out.insert(member.into(), epoch(resource.modified_at));
    }
    out
}

/// The summary of a resource in its kind's `List*` output.
pub fn summary(spec: &KindSpec, resource: &Resource) -> Value {
    let view = view(spec, resource);
    let picked = spec
        .summary_members
        .iter()
        .filter_map(|m| Some(((*m).to_owned(), view.get(*m)?.clone())))
        .collect();
    Value::Object(picked)
}

/// The members every `List*` of the nine kinds shares (a kind ignores those its
/// shape lacks: the validator has already refused nothing it knows).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListInput {
    /// `Name`, `CreationTime`, `Status` (or `CreateDate` for work teams).
    pub sort_by: Option<String>,
    /// `Ascending` or `Descending`.
    pub sort_order: Option<String>,
    /// Where the previous page ended.
    pub next_token: Option<String>,
    /// Page size, 1–100.
    pub max_results: Option<i64>,
    /// Keep names containing this, case-insensitively.
    pub name_contains: Option<String>,
    /// Keep resources created before this time.
    #[serde(default, deserialize_with = "timestamp::deserialize_opt")]
    pub creation_time_before: Option<f64>,
    /// Keep resources created after this time.
    #[serde(default, deserialize_with = "timestamp::deserialize_opt")]
    pub creation_time_after: Option<f64>,
    /// Keep resources modified before this time.
    #[serde(default, deserialize_with = "timestamp::deserialize_opt")]
    pub last_modified_time_before: Option<f64>,
    /// Keep resources modified after this time.
    #[serde(default, deserialize_with = "timestamp::deserialize_opt")]
    pub last_modified_time_after: Option<f64>,
    /// Keep resources with this status.
    pub status_equals: Option<String>,
}

/// A `List*` operation's defaults where the request says nothing.
#[derive(Clone, Copy, Debug)]
pub struct ListDefaults {
    /// Sort key.
    pub sort_by: SortKey,
    /// Descending order.
    pub descending: bool,
    /// Page size.
    pub page: i64,
}

/// Most `List*` operations: newest first, ten a page.
pub const NEWEST_FIRST: ListDefaults = ListDefaults {
    sort_by: SortKey::CreationTime,
    descending: true,
    page: 10,
};

/// One page of a listing and the token for the next.
#[derive(Debug)]
pub struct Listed {
    /// The resources of this page.
    pub items: Vec<Resource>,
    /// The token for the next page, when more follow.
    pub next_token: Option<String>,
}

/// Lists resources of `spec`'s kind for `operation`, optionally only those that
/// belong to `parent`. Tokens are bound to the operation and the parent.
///
/// # Errors
/// `ValidationException` `Invalid pagination token.` for a token not made here.
pub async fn list(
    ctx: &Ctx,
    caller: &Caller,
    spec: &KindSpec,
    operation: &str,
    input: ListInput,
    defaults: ListDefaults,
    parent: Option<String>,
) -> Result<Listed, Error> {
    let bound = parent.clone().unwrap_or_default();
    let after = match input.next_token.as_deref() {
        None | Some("") => None,
        Some(t) => Some(token::decode(t, operation, &bound)?),
    };
    let query = ListQuery {
        name_contains: input.name_contains,
        created_before: input.creation_time_before,
        created_after: input.creation_time_after,
        modified_before: input.last_modified_time_before,
        modified_after: input.last_modified_time_after,
        status_equals: input.status_equals,
        parent,
        sort_by: match input.sort_by.as_deref() {
            Some("Name") => SortKey::Name,
            Some("Status") => SortKey::Status,
            Some("CreationTime" | "CreateDate") => SortKey::CreationTime,
            _ => defaults.sort_by,
        },
        descending: match input.sort_order.as_deref() {
            Some("Ascending") => false,
            Some("Descending") => true,
            _ => defaults.descending,
        },
        limit: input.max_results.unwrap_or(defaults.page).clamp(1, 100) as usize,
        after,
    };

    let scope = caller.scope();
    match ctx
        .store
        .list_resources(&scope, spec.kind.arn_type(), &query)
        .await
    {
        Ok(page) => Ok(Listed {
            items: page.items,
            next_token: page.next.map(|c| token::encode(operation, &bound, &c)),
        }),
        Err(store::Error::InvalidCursor) => Err(Error::Validation(token::INVALID_TOKEN.to_owned())),
        Err(err) => Err(Error::backend(err)),
    }
}

/// The usual `List*` output: `{<ListMember>: [summaries], "NextToken": …}`.
pub fn list_output(
    spec: &KindSpec,
    listed: Listed,
    summarize: impl Fn(&Resource) -> Value,
) -> Value {
    let items = listed.items.iter().map(summarize).collect();
    page_output(spec.list_member, items, listed.next_token)
}

/// `{<member>: [items], "NextToken": …}`, the token only when more follow.
pub fn page_output(member: &str, items: Vec<Value>, next_token: Option<String>) -> Value {
    let mut out = Map::new();
    out.insert(member.into(), Value::Array(items));
    if let Some(token) = next_token {
        out.insert("NextToken".into(), Value::String(token));
    }
    Value::Object(out)
}

/// Reads a validated input into its typed form.
///
/// # Errors
/// `SerializationException` if the shape and the type disagree (a bug).
pub fn typed<T: serde::de::DeserializeOwned>(input: Map<String, Value>) -> Result<T, Error> {
    serde_json::from_value(Value::Object(input)).map_err(|e| Error::Serialization(e.to_string()))
}

/// Moves a resource to status `to` (`Stopping`, `Pending`, `Deleting`) when its
/// status is one of `from`, dropping its pending steps and starting the lifecycle
/// from `to`: with zero-second steps it settles at once (or is gone).
///
/// # Errors
/// The kind's missing answer; `conflict(current)` when the status is not in
/// `from`.
pub async fn transition(
    ctx: &Ctx,
    caller: &Caller,
    spec: &KindSpec,
    name: &str,
    from: &[&str],
    to: &str,
    conflict: impl FnOnce(&str) -> Error,
) -> Result<Resource, Error> {
    let now = ctx.now();
    let plan = lifecycle::plan(spec.kind, to, now, ctx.step_seconds);
    let update = Update {
        scope: caller.scope(),
        kind: spec.kind.arn_type().to_owned(),
        name: name.to_owned(),
        expect_status: Some(from.iter().map(|s| (*s).to_owned()).collect()),
        status: Some(plan.status),
        patch: plan.patch,
        modified_at: now,
        cancel_steps: true,
        schedule: plan.schedule,
        delete: plan.gone,
        ..Update::default()
    };
    let update = with_children_stop(spec, update, to, now);
    match ctx.store.update_resource(update).await {
        Ok(resource) => Ok(resource),
        Err(store::Error::NotFound) => Err(spec.missing(caller, name)),
        Err(store::Error::StatusConflict { current }) => {
            Err(conflict(current.as_deref().unwrap_or("")))
        }
        Err(err) => Err(Error::backend(err)),
    }
}

/// A tuning job that stops stops its running training jobs with it.
fn with_children_stop(spec: &KindSpec, mut update: Update, to: &str, now: f64) -> Update {
    if spec.kind == crate::arn::ResourceKind::HyperParameterTuningJob && to == "Stopping" {
        let settled = update.status.clone().unwrap_or_default();
        update.children = Some(lifecycle::stop_children(now, "InProgress", &settled));
    }
    update
}

/// Deletes a resource that has no `Deleting` status, at once.
///
/// # Errors
/// The kind's missing answer.
pub async fn delete_now(
    ctx: &Ctx,
    caller: &Caller,
    spec: &KindSpec,
    name: &str,
) -> Result<(), Error> {
    let kind = spec.kind.arn_type();
    match ctx.store.delete_resource(&caller.scope(), kind, name).await {
        Ok(()) => Ok(()),
        Err(store::Error::NotFound) => Err(spec.missing(caller, name)),
        Err(err) => Err(Error::backend(err)),
    }
}

/// The usual answer to a Stop of a job that is not running.
pub fn not_running(spec: &KindSpec, current: &str) -> Error {
    Error::Validation(format!(
        "The request was rejected because the {} is in status {current}.",
        spec.noun
    ))
}

/// Reads a `Describe*`/`Stop*`/`Delete*` input's name member.
pub fn name_of(input: &Map<String, Value>, spec: &KindSpec) -> String {
    input
        .get(spec.name_member)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// A `Describe*` whose answer is the plain [`view`].
///
/// # Errors
/// The kind's missing answer.
pub async fn describe(
    ctx: &Ctx,
    caller: &Caller,
    spec: &KindSpec,
    input: &Map<String, Value>,
) -> Result<Value, Error> {
    let resource = find(ctx, caller, spec, &name_of(input, spec)).await?;
    Ok(Value::Object(view(spec, &resource)))
}

/// A `List*` whose items are the plain [`summary`].
///
/// # Errors
/// `ValidationException` `Invalid pagination token.`
pub async fn list_summaries(
    ctx: &Ctx,
    caller: &Caller,
    spec: &KindSpec,
    operation: &str,
    input: Map<String, Value>,
    defaults: ListDefaults,
) -> Result<Value, Error> {
    let listed = list(ctx, caller, spec, operation, typed(input)?, defaults, None).await?;
    Ok(list_output(spec, listed, |r| summary(spec, r)))
}

/// A `Stop*` of a job: one of the `running` statuses → `Stopping` → `Stopped`.
///
/// # Errors
/// The kind's missing answer, or [`not_running`].
pub async fn stop_job(
    ctx: &Ctx,
    caller: &Caller,
    spec: &KindSpec,
    input: &Map<String, Value>,
    running: &[&str],
) -> Result<Value, Error> {
    let name = name_of(input, spec);
    transition(ctx, caller, spec, &name, running, "Stopping", |current| {
        not_running(spec, current)
    })
    .await?;
    Ok(Value::Object(Map::new()))
}

/// A check that a resource this request names exists in the caller's scope;
/// SageMaker answers a missing one with the missing answer of its kind
/// (`resources.md` §3, cross-resource rules).
///
/// # Errors
/// `spec`'s missing answer for `name`.
pub async fn require(
    ctx: &Ctx,
    caller: &Caller,
    spec: &KindSpec,
    name: &str,
) -> Result<Resource, Error> {
    find(ctx, caller, spec, name).await
}

/// Looks a resource of `kind` up by ARN in the caller's scope: `None` for an ARN
/// of another partition, region or account, or of another kind.
///
/// # Errors
/// Only store failures.
pub async fn find_by_arn(
    ctx: &Ctx,
    caller: &Caller,
    kind: crate::arn::ResourceKind,
    arn: &str,
) -> Result<Option<Resource>, Error> {
    if !crate::arn::in_callers_scope(caller, arn) {
        return Ok(None);
    }
    let found = ctx
        .store
        .get_resource_by_arn(&caller.account, arn)
        .await
        .map_err(Error::backend)?;
    Ok(found.filter(|r| r.kind == kind.arn_type()))
}
