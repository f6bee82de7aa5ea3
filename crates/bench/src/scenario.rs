//! The workloads: what each worker sends next, and what it must get back.
//!
//! Every scenario works on resources it created itself through the API (see
//! [`crate::setup`]), under a name prefix unique to the run, so runs never see
//! each other's data and sagetag and moto get exactly the same preparation. The
//! two `*-preloaded` scenarios instead use models that `load-models` wrote into
//! the store beforehand, for the scale run.
//!
//! moto's `AddTags` appends to a list instead of overwriting a key, and returns
//! the whole list. Every AddTags scenario therefore spreads its writes over many
//! resources, so that moto's lists (and answers) stay short and the comparison
//! measures the servers, not a list growing without bound on one of them.

use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::json;

use crate::expect::{Expect, TagCount};
use crate::signer::Call;

/// The most tags a SageMaker resource may carry.
pub const MAX_TAGS: u64 = 50;

/// One workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Scenario {
    /// AddTags overwriting the one key each model has, round-robin over the models.
    AddTagsOverwrite,
    /// AddTags of a key the model does not have yet, round-robin over the models;
    /// once every model holds 50 keys the keys wrap round and overwrite.
    AddTagsNew,
    /// ListTags of one model that holds 50 tags.
    #[value(name = "list-tags-50")]
    ListTags50,
    /// 80% ListTags of a random model holding 50 tags, 20% AddTags overwriting
    /// one of its keys.
    Mix,
    /// CreateModel then DeleteModel of the same name, again and again.
    ModelChurn,
    /// ListTags of a random model among those `load-models` wrote.
    ListTagsPreloaded,
    /// AddTags overwriting one key of a random model among those `load-models`
    /// wrote.
    AddTagsPreloaded,
}

impl Scenario {
    /// The five scenarios of the comparison with moto, in report order.
    pub const COMPARED: [Scenario; 5] = [
        Scenario::AddTagsOverwrite,
        Scenario::AddTagsNew,
        Scenario::ListTags50,
        Scenario::Mix,
        Scenario::ModelChurn,
    ];

    /// The scenario's name on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::AddTagsOverwrite => "add-tags-overwrite",
            Scenario::AddTagsNew => "add-tags-new",
            Scenario::ListTags50 => "list-tags-50",
            Scenario::Mix => "mix",
            Scenario::ModelChurn => "model-churn",
            Scenario::ListTagsPreloaded => "list-tags-preloaded",
            Scenario::AddTagsPreloaded => "add-tags-preloaded",
        }
    }

    /// A short code for resource names.
    pub fn code(self) -> &'static str {
        match self {
            Scenario::AddTagsOverwrite => "ato",
            Scenario::AddTagsNew => "atn",
            Scenario::ListTags50 => "lt",
            Scenario::Mix => "mix",
            Scenario::ModelChurn => "churn",
            Scenario::ListTagsPreloaded => "ltp",
            Scenario::AddTagsPreloaded => "atp",
        }
    }

    /// How many models the scenario creates, and how many tags each gets.
    ///
    /// `resources` is the `--resources` flag: the spread of the AddTags
    /// scenarios and of the mix.
    pub fn fixture(self, resources: u64) -> (u64, u64) {
        match self {
            Scenario::AddTagsOverwrite => (resources, 1),
            Scenario::AddTagsNew => (resources, 0),
            Scenario::ListTags50 => (1, MAX_TAGS),
            Scenario::Mix => (resources, MAX_TAGS),
            Scenario::ModelChurn | Scenario::ListTagsPreloaded | Scenario::AddTagsPreloaded => {
                (0, 0)
            }
        }
    }
}

/// The initial tags of a fixture model: `k0=v0`, `k1=v1`, … (`tags` of them).
pub fn initial_tags(tags: u64) -> serde_json::Value {
    (0..tags)
        .map(|i| json!({ "Key": format!("k{i}"), "Value": format!("v{i}") }))
        .collect()
}

/// What the workers of one run share: the scenario and its resources.
#[derive(Debug)]
pub struct Plan {
    scenario: Scenario,
    arns: Vec<String>,
    /// Tags each model of `arns` holds (the preloaded scenarios).
    tags_per_model: u64,
    /// Name prefix for the models that churn creates.
    prefix: String,
    /// Requests handed out so far; drives round-robin and key choice.
    issued: AtomicU64,
}

impl Plan {
    /// A plan for `scenario` over the models `arns`, each holding
    /// `tags_per_model` tags; churn names its models after `prefix`.
    pub fn new(scenario: Scenario, arns: Vec<String>, tags_per_model: u64, prefix: &str) -> Plan {
        Plan {
            scenario,
            arns,
            tags_per_model,
            prefix: prefix.to_owned(),
            issued: AtomicU64::new(0),
        }
    }

    /// The scenario.
    pub fn scenario(&self) -> Scenario {
        self.scenario
    }

    /// Requests handed out so far, warm-up included.
    pub fn issued(&self) -> u64 {
        self.issued.load(Ordering::Relaxed)
    }

    /// A remark on how the run went that the numbers alone do not show, if any.
    pub fn note(&self) -> Option<String> {
        if self.scenario != Scenario::AddTagsNew {
            return None;
        }
        let fresh = self.arns.len() as u64 * MAX_TAGS;
        let issued = self.issued();
        let share = if issued == 0 {
            100.0
        } else {
            100.0 * fresh.min(issued) as f64 / issued as f64
        };
        Some(format!(
            "{share:.0}% of AddTags added a new key ({issued} sent, {fresh} fresh keys)"
        ))
    }

    /// The next request of a worker, and what its answer must be.
    pub fn next(&self, worker: &mut Worker) -> (Call, Expect) {
        let n = self.issued.fetch_add(1, Ordering::Relaxed);
        match self.scenario {
            Scenario::AddTagsOverwrite => {
                let arn = self.round_robin(n);
                (
                    add_tags(arn, "k0", &n.to_string()),
                    Expect::Tags(TagCount::AtLeast(1)),
                )
            }
            Scenario::AddTagsNew => {
                let arn = self.round_robin(n);
                // The n-th request is the (n / models)-th to reach its model.
                let key = (n / self.arns.len().max(1) as u64) % MAX_TAGS;
                let call = add_tags(arn, &format!("n{key}"), &n.to_string());
                (call, Expect::Tags(TagCount::AtLeast(1)))
            }
            Scenario::ListTags50 => (
                list_tags(self.round_robin(n)),
                Expect::Tags(TagCount::Exactly(MAX_TAGS as usize)),
            ),
            Scenario::Mix => {
                let arn = self.random(worker);
                if worker.rng.below(100) < 80 {
                    let expect = Expect::Tags(TagCount::Exactly(MAX_TAGS as usize));
                    (list_tags(arn), expect)
                } else {
                    let key = format!("k{}", worker.rng.below(MAX_TAGS));
                    (
                        add_tags(arn, &key, &n.to_string()),
                        Expect::Tags(TagCount::AtLeast(1)),
                    )
                }
            }
            Scenario::ModelChurn => match worker.pending.take() {
                Some(name) => (delete_model(&name), Expect::Empty),
                None => {
                    let name = format!("{}-w{}-{}", self.prefix, worker.id, worker.made);
                    worker.made += 1;
                    let call = create_model(&name, &serde_json::Value::Array(Vec::new()));
                    worker.pending = Some(name);
                    (call, Expect::ModelArn)
                }
            },
            Scenario::ListTagsPreloaded => {
                let arn = self.random(worker);
                let count = self.tags_per_model as usize;
                (list_tags(arn), Expect::Tags(TagCount::Exactly(count)))
            }
            Scenario::AddTagsPreloaded => {
                let arn = self.random(worker);
                let key = format!("k{}", worker.rng.below(self.tags_per_model.max(1)));
                (
                    add_tags(arn, &key, &n.to_string()),
                    Expect::Tags(TagCount::AtLeast(1)),
                )
            }
        }
    }

    fn round_robin(&self, n: u64) -> &str {
        let len = self.arns.len().max(1) as u64;
        self.arns.get((n % len) as usize).map_or("", String::as_str)
    }

    fn random(&self, worker: &mut Worker) -> &str {
        let len = self.arns.len().max(1) as u64;
        self.arns
            .get(worker.rng.below(len) as usize)
            .map_or("", String::as_str)
    }
}

/// What one worker remembers between its requests.
#[derive(Debug)]
pub struct Worker {
    id: usize,
    rng: Rng,
    /// The model churn created and must delete next.
    pending: Option<String>,
    /// Models churn has created so far.
    made: u64,
}

impl Worker {
    /// Worker number `id`, with its own random sequence.
    pub fn new(id: usize) -> Worker {
        Worker {
            id,
            rng: Rng::new(0x5eed_0000 + id as u64),
            pending: None,
            made: 0,
        }
    }
}

/// `AddTags` of one tag.
pub fn add_tags(arn: &str, key: &str, value: &str) -> Call {
    let tags = json!([{ "Key": key, "Value": value }]);
    Call::new("AddTags", &json!({ "ResourceArn": arn, "Tags": tags }))
}

/// `ListTags`, first page, default page size.
pub fn list_tags(arn: &str) -> Call {
    Call::new("ListTags", &json!({ "ResourceArn": arn }))
}

/// `CreateModel` with a container image and role, as a real client would send.
pub fn create_model(name: &str, tags: &serde_json::Value) -> Call {
    let mut body = json!({
        "ModelName": name,
        "ExecutionRoleArn": "arn:aws:iam::123456789012:role/sagetag-bench",
        "PrimaryContainer": {
            "Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/bench:latest"
        },
    });
    if tags.as_array().is_some_and(|t| !t.is_empty()) {
        body["Tags"] = tags.clone();
    }
    Call::new("CreateModel", &body)
}

/// `DeleteModel`.
pub fn delete_model(name: &str) -> Call {
    Call::new("DeleteModel", &json!({ "ModelName": name }))
}

/// SplitMix64: a tiny, fast, seedable generator, plenty for picking resources.
#[derive(Debug)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (`bound` > 0); the modulo bias is negligible here.
    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound.max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(scenario: Scenario, models: usize) -> Plan {
        let arns = (0..models).map(|i| format!("arn:m{i}")).collect();
        Plan::new(scenario, arns, 10, "p")
    }

    fn body(call: &Call) -> serde_json::Value {
        serde_json::from_slice(&call.body).expect("json")
    }

    #[test]
    fn add_tags_new_gives_each_model_fresh_keys_before_wrapping() {
        let plan = plan(Scenario::AddTagsNew, 3);
        let mut worker = Worker::new(0);
        let keys: Vec<String> = (0..3 * MAX_TAGS + 1)
            .map(|_| body(&plan.next(&mut worker).0)["Tags"][0]["Key"].to_string())
            .collect();
        assert_eq!(keys[0], "\"n0\"");
        assert_eq!(keys[3], "\"n1\"");
        assert_eq!(keys[3 * MAX_TAGS as usize - 1], "\"n49\"");
        assert_eq!(keys[3 * MAX_TAGS as usize], "\"n0\"");
        assert!(plan.note().is_some_and(|n| n.starts_with("99%")));
    }

    #[test]
    fn churn_alternates_create_and_delete_of_the_same_name() {
        let plan = plan(Scenario::ModelChurn, 0);
        let mut worker = Worker::new(7);
        let (create, expect) = plan.next(&mut worker);
        assert_eq!(create.operation, "CreateModel");
        assert_eq!(expect, Expect::ModelArn);
        let (delete, _) = plan.next(&mut worker);
        assert_eq!(delete.operation, "DeleteModel");
        assert_eq!(body(&create)["ModelName"], body(&delete)["ModelName"]);
        let (again, _) = plan.next(&mut worker);
        assert_ne!(body(&again)["ModelName"], body(&create)["ModelName"]);
    }

    #[test]
    fn mix_is_about_four_reads_to_one_write() {
        let plan = plan(Scenario::Mix, 10);
        let mut worker = Worker::new(1);
        let reads = (0..10_000)
            .filter(|_| plan.next(&mut worker).0.operation == "ListTags")
            .count();
        assert!((7_700..8_300).contains(&reads), "{reads} reads");
    }
}
