//! Unit tests of the validator: every rule and message form, against the real model.

use serde_json::{json, Value};

use super::check::{Walk, MAX_DEPTH};
use super::model::{Kind, ShapeId, MODEL};
use super::{operation_input_shape, validate_input, ValidationError};

const ARN: &str = "arn:aws:sagemaker:us-east-1:123456789012:model/m";

/// The client message of a rejected body.
fn message(operation: &str, body: Value) -> String {
    match validate_input(operation, &body) {
        Ok(()) => panic!("{operation} accepted {body}"),
        Err(err) => err.message(),
    }
}

/// The constraint items of a rejected body.
fn items(operation: &str, body: Value) -> Vec<String> {
    match validate_input(operation, &body) {
        Err(ValidationError::Constraints(items)) => items,
        other => panic!("{operation} {body}: expected constraint errors, got {other:?}"),
    }
}

fn serialization(operation: &str, body: Value) -> String {
    match validate_input(operation, &body) {
        Err(ValidationError::Serialization(message)) => message,
        other => panic!("{operation} {body}: expected a serialization error, got {other:?}"),
    }
}

fn accepts(operation: &str, body: Value) {
    if let Err(err) = validate_input(operation, &body) {
        panic!("{operation} refused {body}: {}", err.message());
    }
}

fn item(value: &str, path: &str, rule: &str) -> String {
    format!("Value '{value}' at '{path}' failed to satisfy constraint: Member must {rule}")
}

const TAG_PATTERN: &str = r"satisfy regular expression pattern: ([\p{L}\p{Z}\p{N}_.:/=+\-@]*)";
const NAME_PATTERN: &str = "satisfy regular expression pattern: [a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}";

// ---- the model and its overrides ----

/// The generated file as plain JSON.
fn generated() -> Value {
    serde_json::from_str(include_str!("sagemaker-shapes.json")).unwrap()
}

/// The operations listed in the generated file's header.
fn operation_names() -> Vec<String> {
    let header = generated()["header"]["operations"].clone();
    serde_json::from_value(header).unwrap()
}

#[test]
fn every_operation_has_its_input_shape() {
    let operations = operation_names();
    assert_eq!(operations.len(), 45);
    for operation in &operations {
        assert!(operation_input_shape(operation).is_some(), "{operation}");
    }
    assert_eq!(generated()["header"]["botocoreVersion"], "1.44.8");
    assert_eq!(operation_input_shape("AddTags"), Some("AddTagsInput"));
    assert_eq!(
        operation_input_shape("CreateTrainingJob"),
        Some("CreateTrainingJobRequest")
    );
    assert_eq!(operation_input_shape("UpdateEndpoint"), None);
    assert_eq!(operation_input_shape("addTags"), None);
}

#[test]
fn an_operation_without_shapes_is_refused_not_waved_through() {
    assert_eq!(
        serialization("UpdateEndpoint", json!({})),
        "No input shape is known for operation UpdateEndpoint."
    );
}

#[test]
fn members_keep_model_order() {
    let (_, members) = MODEL.input("CreateModel").unwrap();
    let names: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "ModelName",
            "PrimaryContainer",
            "Containers",
            "InferenceExecutionConfig",
            "ExecutionRoleArn",
            "Tags",
            "VpcConfig",
            "EnableNetworkIsolation"
        ]
    );
}

#[test]
fn overrides_patch_what_the_generated_model_says() {
    // The generated file is the model, unedited ...
    let raw = generated();
    assert_eq!(raw["shapes"]["Tag"]["required"], json!(["Key", "Value"]));
    assert_eq!(
        raw["shapes"]["ResourceArn"]["pattern"],
        "arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:.+"
    );
    // ... and the validator follows API_AddTags.md (spec §0).
    accepts(
        "AddTags",
        json!({"ResourceArn": ARN, "Tags": [{"Key": "k"}]}),
    );
    accepts("ListTags", json!({"ResourceArn": "arn:aws:s3:::bucket"}));
    let long = format!("arn:{}", "a".repeat(253));
    assert_eq!(
        items("ListTags", json!({ "ResourceArn": long })),
        [item(
            &long,
            "resourceArn",
            "have length less than or equal to 256"
        )]
    );
}

#[test]
fn every_model_pattern_compiles() {
    let mut look_around = 0;
    for pattern in &MODEL.patterns {
        if let Err(err) = pattern.check() {
            panic!("pattern {} does not compile: {err}", pattern.source());
        }
        let source = pattern.source();
        if ["(?=", "(?!", "(?<=", "(?<!"]
            .iter()
            .any(|group| source.contains(group))
        {
            look_around += 1;
        }
    }
    // 58 in the model; the ResourceArn override's `arn:.*` is already one of them.
    assert_eq!(MODEL.patterns.len(), 57);
    assert_eq!(
        look_around, 4,
        "look-around patterns changed; review pattern.rs docs"
    );
}

#[test]
fn every_string_shape_with_a_pattern_is_reached() {
    let with_pattern = MODEL
        .shapes
        .iter()
        .filter(|s| matches!(&s.kind, Kind::String(rules) if rules.pattern.is_some()))
        .count();
    assert_eq!(with_pattern, 115);
}

// ---- message forms ----

#[test]
fn message_counts_and_joins_items() {
    let one = ValidationError::Constraints(vec!["a".into()]);
    assert_eq!(one.message(), "1 validation error detected: a");
    let two = ValidationError::Constraints(vec!["a".into(), "b".into()]);
    assert_eq!(two.message(), "2 validation errors detected: a; b");
    let s = ValidationError::Serialization("Cannot deserialize value at '(root)': x.".into());
    assert_eq!(s.message(), "Cannot deserialize value at '(root)': x.");
    assert_eq!(two.to_string(), two.message());
}

// ---- tag operations (spec §3-§5) ----

#[test]
fn list_tags_empty_arn_fails_the_pattern() {
    assert_eq!(
        message("ListTags", json!({"ResourceArn": ""})),
        "1 validation error detected: Value '' at 'resourceArn' failed to satisfy constraint: \
         Member must satisfy regular expression pattern: arn:.*"
    );
}

#[test]
fn missing_required_members_are_null() {
    assert_eq!(
        message("ListTags", json!({})),
        "1 validation error detected: Value null at 'resourceArn' failed to satisfy \
         constraint: Member must not be null"
    );
    assert_eq!(
        message("AddTags", json!({"ResourceArn": null})),
        "2 validation errors detected: \
         Value null at 'resourceArn' failed to satisfy constraint: Member must not be null; \
         Value null at 'tags' failed to satisfy constraint: Member must not be null"
    );
}

#[test]
fn list_tags_max_results_has_a_minimum_of_50() {
    assert_eq!(
        message("ListTags", json!({"ResourceArn": ARN, "MaxResults": 10})),
        "1 validation error detected: Value '10' at 'maxResults' failed to satisfy \
         constraint: Member must have value greater than or equal to 50"
    );
    accepts("ListTags", json!({"ResourceArn": ARN, "MaxResults": 50}));
    accepts(
        "ListTags",
        json!({"ResourceArn": ARN, "MaxResults": 100000, "NextToken": ""}),
    );
}

#[test]
fn add_tags_with_51_tags() {
    let tags: Vec<Value> = (0..51)
        .map(|i| json!({"Key": format!("k{i}"), "Value": "v"}))
        .collect();
    let shown = serde_json::to_string(&tags).unwrap();
    assert!(shown.starts_with(r#"[{"Key":"k0","Value":"v"},{"Key":"k1""#));
    assert_eq!(
        message("AddTags", json!({"ResourceArn": ARN, "Tags": tags})),
        format!(
            "1 validation error detected: {}",
            item(&shown, "tags", "have length less than or equal to 50")
        )
    );
    accepts("AddTags", json!({"ResourceArn": ARN, "Tags": []}));
}

#[test]
fn long_key_with_a_bad_character_gives_length_then_pattern() {
    let key = format!("{}\t", "k".repeat(128));
    let body = json!({"ResourceArn": ARN, "Tags": [{"Key": "ok", "Value": "v"}, {"Key": key}]});
    assert_eq!(
        message("AddTags", body),
        format!(
            "2 validation errors detected: {}; {}",
            item(
                &key,
                "tags.2.member.key",
                "have length less than or equal to 128"
            ),
            item(&key, "tags.2.member.key", TAG_PATTERN)
        )
    );
}

#[test]
fn tag_value_rules() {
    let value = "v".repeat(257);
    assert_eq!(
        items(
            "AddTags",
            json!({"ResourceArn": ARN, "Tags": [{"Key": "k", "Value": value}]})
        ),
        [item(
            &value,
            "tags.1.member.value",
            "have length less than or equal to 256"
        )]
    );
    assert_eq!(
        items(
            "AddTags",
            json!({"ResourceArn": ARN, "Tags": [{"Key": "k", "Value": "a\nb"}]})
        ),
        [item("a\nb", "tags.1.member.value", TAG_PATTERN)]
    );
    // Missing or null Value is accepted (spec §0); Key is still required.
    accepts(
        "AddTags",
        json!({"ResourceArn": ARN, "Tags": [{"Key": "k", "Value": null}]}),
    );
    accepts(
        "AddTags",
        json!({"ResourceArn": ARN, "Tags": [{"Key": "k", "Value": ""}]}),
    );
    assert_eq!(
        items("AddTags", json!({"ResourceArn": ARN, "Tags": [{"Value": "v"}]})),
        ["Value null at 'tags.1.member.key' failed to satisfy constraint: Member must not be null"]
    );
}

#[test]
fn tag_keys_take_unicode_letters_numbers_and_separators() {
    for key in [
        "é",
        "日本",
        "a b",
        "non\u{a0}breaking",
        "line\u{2028}sep",
        "٣",
        "x_.:/=+-@",
    ] {
        accepts(
            "AddTags",
            json!({"ResourceArn": ARN, "Tags": [{"Key": key, "Value": key}]}),
        );
        accepts("DeleteTags", json!({"ResourceArn": ARN, "TagKeys": [key]}));
    }
    for key in ["tab\there", "new\nline", "semi;colon", "quote'", "emoji😀"] {
        assert_eq!(
            items(
                "DeleteTags",
                json!({"ResourceArn": ARN, "TagKeys": ["fine", key]})
            ),
            [item(key, "tagKeys.2.member", TAG_PATTERN)],
            "{key:?}"
        );
    }
}

#[test]
fn lengths_count_code_points() {
    accepts(
        "DeleteTags",
        json!({"ResourceArn": ARN, "TagKeys": ["日".repeat(128)]}),
    );
    let key = "日".repeat(129);
    assert_eq!(
        items("DeleteTags", json!({"ResourceArn": ARN, "TagKeys": [key]})),
        [item(
            &key,
            "tagKeys.1.member",
            "have length less than or equal to 128"
        )]
    );
}

#[test]
fn delete_tags_list_lengths() {
    assert_eq!(
        message("DeleteTags", json!({"ResourceArn": ARN, "TagKeys": []})),
        "1 validation error detected: Value '[]' at 'tagKeys' failed to satisfy constraint: \
         Member must have length greater than or equal to 1"
    );
    let keys: Vec<String> = (0..51).map(|i| format!("k{i}")).collect();
    let shown = format!("[{}]", keys.join(", "));
    assert_eq!(
        items("DeleteTags", json!({"ResourceArn": ARN, "TagKeys": keys})),
        [item(
            &shown,
            "tagKeys",
            "have length less than or equal to 50"
        )]
    );
    assert_eq!(
        items(
            "DeleteTags",
            json!({"ResourceArn": ARN, "TagKeys": ["a", ""]})
        ),
        [item(
            "",
            "tagKeys.2.member",
            "have length greater than or equal to 1"
        )]
    );
}

#[test]
fn null_list_items_are_reported_at_their_path() {
    assert_eq!(
        items("DeleteTags", json!({"ResourceArn": ARN, "TagKeys": ["a", null]})),
        ["Value null at 'tagKeys.2.member' failed to satisfy constraint: Member must not be null"]
    );
}

#[test]
fn unknown_members_are_ignored_and_names_are_case_sensitive() {
    accepts(
        "ListTags",
        json!({"ResourceArn": ARN, "Extra": {"deep": [1, 2]}}),
    );
    assert_eq!(
        items("ListTags", json!({"resourceArn": ARN})),
        ["Value null at 'resourceArn' failed to satisfy constraint: Member must not be null"]
    );
}

// ---- nested shapes ----

#[test]
fn create_model_nested_errors_in_member_order() {
    let body = json!({
        "ModelName": "bad_name",
        "PrimaryContainer": {
            "Image": "has space",
            "Mode": "Single",
            "Environment": {"GOOD": "x", "1BAD": "y", "LONG": "z".repeat(1025)}
        },
        "Tags": [{"Key": "aws:ok", "Value": "v"}],
        "VpcConfig": {"SecurityGroupIds": ["sg-1"], "Subnets": []}
    });
    let long = "z".repeat(1025);
    assert_eq!(
        items("CreateModel", body),
        [
            item(
                "bad_name",
                "modelName",
                "satisfy regular expression pattern: [a-zA-Z0-9]([\\-a-zA-Z0-9]*[a-zA-Z0-9])?"
            ),
            item(
                "has space",
                "primaryContainer.image",
                "satisfy regular expression pattern: [\\S]+"
            ),
            item(
                "Single",
                "primaryContainer.mode",
                "satisfy enum value set: [SingleModel, MultiModel]"
            ),
            item(
                "1BAD",
                "primaryContainer.environment.1BAD.key",
                "satisfy regular expression pattern: [a-zA-Z_][a-zA-Z0-9_]*"
            ),
            item(
                &long,
                "primaryContainer.environment.LONG.member",
                "have length less than or equal to 1024"
            ),
            item(
                "[]",
                "vpcConfig.subnets",
                "have length greater than or equal to 1"
            ),
        ]
    );
}

#[test]
fn create_model_missing_nested_required_and_map_size() {
    let environment: serde_json::Map<String, Value> =
        (0..101).map(|i| (format!("K{i}"), json!("v"))).collect();
    let shown = Value::Object(environment.clone()).to_string();
    assert_eq!(
        items(
            "CreateModel",
            json!({
                "ModelName": "m",
                "PrimaryContainer": {"Environment": environment, "ModelPackageName": "pkg-"},
                "VpcConfig": {"Subnets": ["subnet-1"]}
            })
        ),
        [
            item(
                &shown,
                "primaryContainer.environment",
                "have length less than or equal to 100"
            ),
            item(
                "pkg-",
                "primaryContainer.modelPackageName",
                concat!(
                    "satisfy regular expression pattern: ",
                    r"(arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]*:[0-9]{12}:[a-z\-]*\/)?",
                    r"([a-zA-Z0-9]([a-zA-Z0-9-]){0,62})(?<!-)(\/[0-9]{1,9})?"
                )
            ),
            "Value null at 'vpcConfig.securityGroupIds' failed to satisfy constraint: \
             Member must not be null"
                .to_owned(),
        ]
    );
}

#[test]
fn create_endpoint_config_production_variant_paths() {
    let body = json!({
        "EndpointConfigName": "cfg",
        "ProductionVariants": [
            {"VariantName": "ok", "ModelName": "m"},
            {"ModelName": "bad model", "InitialVariantWeight": -0.5, "InitialInstanceCount": 0}
        ]
    });
    assert_eq!(
        message("CreateEndpointConfig", body),
        format!(
            "4 validation errors detected: {}; {}; {}; {}",
            "Value null at 'productionVariants.2.member.variantName' failed to satisfy \
             constraint: Member must not be null",
            item(
                "bad model",
                "productionVariants.2.member.modelName",
                "satisfy regular expression pattern: [a-zA-Z0-9]([\\-a-zA-Z0-9]*[a-zA-Z0-9])?"
            ),
            item(
                "0",
                "productionVariants.2.member.initialInstanceCount",
                "have value greater than or equal to 1"
            ),
            item(
                "-0.5",
                "productionVariants.2.member.initialVariantWeight",
                "have value greater than or equal to 0"
            ),
        )
    );
    assert_eq!(
        items(
            "CreateEndpointConfig",
            json!({"EndpointConfigName": "c", "ProductionVariants": [
                {"VariantName": "v", "ModelName": "my_model"}
            ]})
        ),
        [item(
            "my_model",
            "productionVariants.1.member.modelName",
            "satisfy regular expression pattern: [a-zA-Z0-9]([\\-a-zA-Z0-9]*[a-zA-Z0-9])?"
        )]
    );
}

#[test]
fn create_training_job_names_and_long_values() {
    let body = json!({
        "TrainingJobName": "job.1",
        "RoleArn": "arn:aws:iam::123456789012:role/r",
        "OutputDataConfig": {"S3OutputPath": "s3://b/p"},
        "InputDataConfig": [{
            "ChannelName": "train",
            "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://b/d"}},
            "ShuffleConfig": {"Seed": 9_007_199_254_740_993_i64}
        }],
        "StoppingCondition": {"MaxRuntimeInSeconds": 0}
    });
    assert_eq!(
        items("CreateTrainingJob", body),
        [
            item("job.1", "trainingJobName", NAME_PATTERN),
            item(
                "0",
                "stoppingCondition.maxRuntimeInSeconds",
                "have value greater than or equal to 1"
            ),
        ]
    );
}

#[test]
fn enum_values_are_listed_in_model_order() {
    assert_eq!(
        message(
            "ListModels",
            json!({"SortBy": "name", "SortOrder": "Up", "MaxResults": 101})
        ),
        format!(
            "3 validation errors detected: {}; {}; {}",
            item(
                "name",
                "sortBy",
                "satisfy enum value set: [Name, CreationTime]"
            ),
            item(
                "Up",
                "sortOrder",
                "satisfy enum value set: [Ascending, Descending]"
            ),
            item("101", "maxResults", "have value less than or equal to 100"),
        )
    );
    let instance = items(
        "CreateNotebookInstance",
        json!({
            "NotebookInstanceName": "nb",
            "InstanceType": "ml.bogus",
            "RoleArn": "arn:aws:iam::123456789012:role/r"
        }),
    );
    assert_eq!(instance.len(), 1);
    assert!(instance[0].starts_with(
        "Value 'ml.bogus' at 'instanceType' failed to satisfy constraint: Member must satisfy \
         enum value set: [ml.t2.medium, "
    ));
}

#[test]
fn look_around_patterns_work_through_real_shapes() {
    let body = |name: &str| {
        json!({
            "TrainingJobName": "j",
            "RoleArn": "arn:aws:iam::123456789012:role/r",
            "OutputDataConfig": {"S3OutputPath": "s3://b/p"},
            "AlgorithmSpecification": {"TrainingInputMode": "File", "AlgorithmName": name}
        })
    };
    accepts("CreateTrainingJob", body("my-algo"));
    let rejected = items("CreateTrainingJob", body("my-algo-"));
    assert_eq!(rejected.len(), 1);
    assert!(rejected[0].starts_with("Value 'my-algo-' at 'algorithmSpecification.algorithmName'"));
}

// ---- JSON types ----

#[test]
fn the_body_must_be_an_object() {
    for (body, found) in [
        (json!([]), "array"),
        (json!("x"), "string"),
        (json!(1), "number"),
        (json!(true), "boolean"),
        (Value::Null, "null"),
    ] {
        assert_eq!(
            serialization("ListTags", body),
            format!("Cannot deserialize value at '(root)': expected structure, found {found}.")
        );
    }
}

/// Asserts a serialization error; `want` is `<path>: expected <x>, found <y>`.
fn wrong_type(operation: &str, body: Value, want: &str) {
    let (path, types) = want.split_once(": ").unwrap();
    let expected = format!("Cannot deserialize value at '{path}': {types}.");
    assert_eq!(serialization(operation, body), expected);
}

#[test]
fn wrong_json_types_name_the_member_path() {
    let arn = ARN;
    wrong_type(
        "ListTags",
        json!({"ResourceArn": 5}),
        "resourceArn: expected string, found number",
    );
    for max in [
        json!("60"),
        json!(60.5),
        json!(60.0),
        json!(2_147_483_648_i64),
    ] {
        let found = if max.is_string() { "string" } else { "number" };
        wrong_type(
            "ListTags",
            json!({"ResourceArn": arn, "MaxResults": max}),
            &format!("maxResults: expected integer, found {found}"),
        );
    }
    let tags = |tags: Value| json!({"ResourceArn": arn, "Tags": tags});
    wrong_type(
        "AddTags",
        tags(json!({})),
        "tags: expected list, found object",
    );
    wrong_type(
        "AddTags",
        tags(json!(["k"])),
        "tags.1.member: expected structure, found string",
    );
    wrong_type(
        "AddTags",
        tags(json!([{"Key": true}])),
        "tags.1.member.key: expected string, found boolean",
    );
    wrong_type(
        "DeleteTags",
        json!({"ResourceArn": arn, "TagKeys": [["k"]]}),
        "tagKeys.1.member: expected string, found array",
    );

    let model = |member: &str, value: Value| json!({"ModelName": "m", member: value});
    wrong_type(
        "CreateModel",
        model("EnableNetworkIsolation", json!("yes")),
        "enableNetworkIsolation: expected boolean, found string",
    );
    wrong_type(
        "CreateModel",
        model("VpcConfig", json!([])),
        "vpcConfig: expected structure, found array",
    );
    wrong_type(
        "CreateModel",
        model("PrimaryContainer", json!({"Environment": []})),
        "primaryContainer.environment: expected map, found array",
    );
    wrong_type(
        "CreateModel",
        model("PrimaryContainer", json!({"Environment": {"K": 1}})),
        "primaryContainer.environment.K.member: expected string, found number",
    );
    wrong_type(
        "CreateEndpointConfig",
        json!({
            "EndpointConfigName": "c",
            "ProductionVariants": [{"VariantName": "v", "InitialVariantWeight": "1"}]
        }),
        "productionVariants.1.member.initialVariantWeight: expected number, found string",
    );
    for (time, found) in [
        (json!(true), "boolean"),
        (json!("yesterday"), "string"),
        (json!({}), "object"),
    ] {
        wrong_type(
            "ListModels",
            json!({ "CreationTimeAfter": time }),
            &format!("creationTimeAfter: expected timestamp, found {found}"),
        );
    }
}

#[test]
fn numbers_and_timestamps_that_fit() {
    accepts(
        "ListModels",
        json!({"CreationTimeAfter": 1_529_870_369.986, "MaxResults": 1}),
    );
    accepts("ListModels", json!({"CreationTimeBefore": 1_529_870_369}));
    accepts(
        "ListModels",
        json!({"CreationTimeBefore": "2018-06-24T19:59:29.5Z"}),
    );
    accepts(
        "ListModels",
        json!({"CreationTimeBefore": "2018-06-24T19:59:29+02:00"}),
    );
    // `long` takes 64-bit integers (ShuffleConfig.Seed).
    let training = |seed: Value| {
        json!({
            "TrainingJobName": "j",
            "RoleArn": "arn:aws:iam::123456789012:role/r",
            "OutputDataConfig": {"S3OutputPath": "s3://b/p"},
            "InputDataConfig": [{
                "ChannelName": "c",
                "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://b"}},
                "ShuffleConfig": {"Seed": seed}
            }]
        })
    };
    accepts("CreateTrainingJob", training(json!(i64::MAX)));
    assert_eq!(
        serialization("CreateTrainingJob", training(json!(u64::MAX))),
        "Cannot deserialize value at 'inputDataConfig.1.member.shuffleConfig.seed': \
         expected integer, found number."
    );
}

#[test]
fn a_type_error_wins_over_earlier_constraint_errors() {
    assert_eq!(
        serialization("ListTags", json!({"ResourceArn": "", "MaxResults": "x"})),
        "Cannot deserialize value at 'maxResults': expected integer, found string."
    );
    // The first type error in model order is the one reported.
    assert_eq!(
        serialization("AddTags", json!({"ResourceArn": 1, "Tags": 2})),
        "Cannot deserialize value at 'resourceArn': expected string, found number."
    );
}

// ---- robustness ----

#[test]
fn the_depth_guard_stops_the_walk() {
    let (id, _) = MODEL.input("ListTags").unwrap();
    let mut walk = Walk::new(&MODEL);
    assert_eq!(
        walk.value(id, &json!({}), "deep", MAX_DEPTH + 1),
        Err(format!(
            "Cannot deserialize value at 'deep': nesting deeper than {MAX_DEPTH} levels."
        ))
    );
    // A structure at the last level still checks its (scalar) members.
    assert!(walk
        .value(id, &json!({"ResourceArn": ARN}), "ok", MAX_DEPTH - 1)
        .is_ok());
}

/// Every value of shape `id` that holds `probe` at one place inside: a member, a
/// list item or a map value, at any depth.
fn plant(id: ShapeId, probe: &Value) -> Vec<Value> {
    let wrap_all = |inner: Vec<Value>, wrap: &dyn Fn(Value) -> Value| -> Vec<Value> {
        inner.into_iter().map(wrap).collect()
    };
    match &MODEL.shapes[id].kind {
        Kind::Structure(members) => {
            let mut out = Vec::new();
            for member in members {
                let name = member.name.clone();
                let at = move |v: Value| Value::Object([(name.clone(), v)].into_iter().collect());
                out.push(at(probe.clone()));
                out.extend(wrap_all(plant(member.shape, probe), &at));
            }
            out
        }
        Kind::List { member, .. } => {
            let mut out = vec![json!([probe])];
            out.extend(wrap_all(plant(*member, probe), &|v| json!([v])));
            out
        }
        Kind::Map { value, .. } => {
            let mut out = vec![json!({ "k": probe })];
            out.extend(wrap_all(plant(*value, probe), &|v| json!({ "k": v })));
            out
        }
        _ => Vec::new(),
    }
}

/// Puts each kind of JSON value at every place of every operation's input:
/// nothing panics, and every answer is success or a well-formed error.
#[test]
fn no_input_panics() {
    let probes = [
        Value::Null,
        json!(true),
        json!(0),
        json!(-1),
        json!(1.5),
        json!(-1e300),
        json!(u64::MAX),
        json!(""),
        json!("x".repeat(3000)),
        json!("\u{0}\u{feff}日本\t"),
        json!([]),
        json!([null, 1, "a", [], {}]),
        json!({}),
        json!({"": null, "a.b": [[[]]], "K": {"K": {"K": {}}}}),
    ];
    let mut checked = 0;
    for operation in operation_names() {
        let (root, _) = MODEL.input(&operation).unwrap();
        for probe in &probes {
            let _ = validate_input(&operation, probe);
            for body in plant(root, probe) {
                match validate_input(&operation, &body) {
                    Ok(()) => {}
                    Err(ValidationError::Constraints(items)) => assert!(!items.is_empty()),
                    Err(ValidationError::Serialization(message)) => {
                        assert!(message.starts_with("Cannot deserialize value at '"))
                    }
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 10_000, "{checked}");
}

#[test]
fn prune_drops_unknown_members_at_every_depth_and_keeps_known_ones() {
    let mut input = json!({
        "ModelName": "m",
        "Surprise": 1,
        "PrimaryContainer": { "Image": "i", "Extra": true,
                              "Environment": { "ANY_KEY": "kept" } },
        "Containers": [{ "Image": "a", "Nope": [] }],
        "Tags": [{ "Key": "k", "Value": "v", "Other": "x" }]
    });
    super::prune_unknown("CreateModel", &mut input);
    assert_eq!(
        input,
        json!({
            "ModelName": "m",
            "PrimaryContainer": { "Image": "i", "Environment": { "ANY_KEY": "kept" } },
            "Containers": [{ "Image": "a" }],
            "Tags": [{ "Key": "k", "Value": "v" }]
        })
    );

    // An operation without a shape leaves the input as it is.
    let mut other = json!({ "A": 1 });
    super::prune_unknown("NoSuchOperation", &mut other);
    assert_eq!(other, json!({ "A": 1 }));
}
