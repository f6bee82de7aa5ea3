//! The export file: JSON Lines, version 1.
//!
//! ```text
//! {"type":"header","format":"sagetag-export","version":1}
//! {"type":"resource","account":"…","region":"…","kind":"model",…,"tags":[…],"steps":[…]}
//! …one line per resource, in creation order…
//! {"type":"end","resources":2,"tags":5}
//! ```
//!
//! The header names the format and its version; the end line counts what
//! came before it, so a file cut short is recognised and refused. Members
//! are always written in the same order and the resources in creation order,
//! so exporting the same state twice, from either backend, gives the same
//! bytes. A later version may add members or lines; this build refuses any
//! version it does not know, and any member it does not know, rather than
//! drop data it cannot place. The README documents the format.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use sagetag_ops::arn::ResourceKind;
use sagetag_server::config::{is_account_id, is_region_name};
use sagetag_store::{Exported, NewStep, Resource, Scope, Tag, MAX_TAGS_PER_RESOURCE};

/// The value of the header's `format` member.
pub const FORMAT: &str = "sagetag-export";

/// The version this build writes, and the newest it reads.
pub const VERSION: u32 = 1;

/// One line of the file.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Line {
    /// The first line.
    Header {
        /// Always [`FORMAT`].
        format: String,
        /// The format version, [`VERSION`] when written by this build.
        version: u32,
    },
    /// One resource with its tags and pending steps.
    Resource(Box<ResourceLine>),
    /// The last line.
    End {
        /// How many resource lines came before.
        resources: u64,
        /// How many tags they hold together.
        tags: u64,
    },
}

/// A resource as a line holds it: the store's record, flat.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceLine {
    /// Twelve-digit account id.
    pub account: String,
    /// Region name.
    pub region: String,
    /// The ARN resource type (`model`, `training-job`, …).
    pub kind: String,
    /// The name as created.
    pub name: String,
    /// The canonical ARN.
    pub arn: String,
    /// The lifecycle status, `null` for kinds without one.
    pub status: Option<String>,
    /// The ARN of the resource that launched this one (a tuning job's
    /// training jobs), or `null`.
    pub parent: Option<String>,
    /// Creation time, epoch seconds.
    pub created_at: f64,
    /// Last modification time, epoch seconds.
    pub modified_at: f64,
    /// The members Describe returns, as stored.
    pub document: Map<String, Value>,
    /// Tags in insertion order, as the API spells them.
    pub tags: Vec<Tag>,
    /// Lifecycle steps still to run, in creation order.
    pub steps: Vec<StepLine>,
}

/// A pending lifecycle step.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepLine {
    /// When it is due, epoch seconds.
    pub due_at: f64,
    /// What it does (`InService`, `Completed`, …).
    pub action: String,
}

impl Line {
    /// The header this build writes.
    pub fn header() -> Line {
        Line::Header {
            format: FORMAT.to_owned(),
            version: VERSION,
        }
    }

    /// A resource line, or `None` for a resource whose document is not a JSON
    /// object (the store never keeps one; the export refuses it).
    pub fn resource(exported: Exported) -> Option<Line> {
        let Exported {
            resource,
            tags,
            steps,
        } = exported;
        let Value::Object(document) = resource.document else {
            return None;
        };
        let steps = steps
            .into_iter()
            .map(|s| StepLine {
                due_at: s.due_at,
                action: s.action,
            })
            .collect();
        Some(Line::Resource(Box::new(ResourceLine {
            account: resource.scope.account,
            region: resource.scope.region,
            kind: resource.kind,
            name: resource.name,
            arn: resource.arn,
            status: resource.status,
            parent: resource.parent,
            created_at: resource.created_at,
            modified_at: resource.modified_at,
            document,
            tags,
            steps,
        })))
    }
}

impl ResourceLine {
    /// Refuses what the store could not serve back, naming the member:
    /// an unknown kind, a malformed account or region, an empty name or ARN,
    /// more than [`MAX_TAGS_PER_RESOURCE`] tags or a key given twice.
    pub fn check(&self) -> Result<(), String> {
        if ResourceKind::from_arn_type(&self.kind).is_none() {
            return Err(format!(
                "kind {:?} is not a SageMaker resource type",
                self.kind
            ));
        }
        if !is_account_id(&self.account) {
            return Err(format!(
                "account {:?} is not a 12-digit account id",
                self.account
            ));
        }
        if !is_region_name(&self.region) {
            return Err(format!("region {:?} is not a region name", self.region));
        }
        if self.name.is_empty() || self.arn.is_empty() {
            return Err("name and arn must not be empty".to_owned());
        }
        if self.tags.len() > MAX_TAGS_PER_RESOURCE {
            return Err(format!(
                "{} tags, at most {MAX_TAGS_PER_RESOURCE}",
                self.tags.len()
            ));
        }
        let mut keys: Vec<&str> = self.tags.iter().map(|t| t.key.as_str()).collect();
        keys.sort_unstable();
        if let Some(pair) = keys.windows(2).find(|pair| pair[0] == pair[1]) {
            return Err(format!("tag key {:?} appears twice", pair[0]));
        }
        Ok(())
    }

    /// The record the store imports.
    pub fn into_exported(self) -> Exported {
        Exported {
            resource: Resource {
                scope: Scope {
                    account: self.account,
                    region: self.region,
                },
                kind: self.kind,
                name: self.name,
                arn: self.arn,
                status: self.status,
                document: Value::Object(self.document),
                created_at: self.created_at,
                modified_at: self.modified_at,
                parent: self.parent,
            },
            tags: self.tags,
            steps: self
                .steps
                .into_iter()
                .map(|s| NewStep {
                    due_at: s.due_at,
                    action: s.action,
                })
                .collect(),
        }
    }
}
