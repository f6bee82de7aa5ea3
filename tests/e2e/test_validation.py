"""ValidationException messages, rule by rule: sagemaker-tagging.md §5 (with
the constraints of §4 and resources.md §1 for models).

Requests the SDK would refuse go through `sm_raw` (botocore's parameter
validation off) or through `raw` when they cannot be expressed in boto3 at
all (a missing required member, `null`).
"""

import pytest

from support import (
    ANY_VALUE,
    ARN_PATTERNS,
    MODEL_NAME_PATTERN,
    NOT_FOUND,
    TAG_PATTERN,
    UNREACHABLE_ARNS,
    assert_raw_error,
    bad_pattern,
    model_arn,
    not_in_enum,
    not_null,
    raises_aws,
    tags,
    too_big,
    too_long,
    too_short,
    too_small,
    validation,
)

LONG_ARN = "arn:" + "x" * 253  # 257 characters, matches `arn:.*`
ROLE_PATTERN = r"arn:aws[a-z\-]*:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+"
HOST_PATTERN = "[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}"


def expect_raw(raw, op, body, *items):
    assert_raw_error(raw(op, body), "ValidationException", validation(*items))


# ---- null / missing required members ----------------------------------------


@pytest.mark.parametrize(
    "op, body, paths",
    [
        ("AddTags", {"Tags": []}, ["resourceArn"]),
        ("AddTags", {"ResourceArn": "arn:x"}, ["tags"]),
        ("AddTags", {}, ["resourceArn", "tags"]),
        ("AddTags", {"ResourceArn": None, "Tags": None}, ["resourceArn", "tags"]),
        ("ListTags", {}, ["resourceArn"]),
        ("DeleteTags", {"ResourceArn": "arn:x"}, ["tagKeys"]),
        ("DeleteTags", {"TagKeys": None}, ["resourceArn", "tagKeys"]),
        ("CreateModel", {}, ["modelName"]),
        ("DescribeModel", {"ModelName": None}, ["modelName"]),
        ("DeleteModel", {}, ["modelName"]),
    ],
)
def test_missing_or_null_required_member(raw, op, body, paths):
    """§5 'Value null at '<path>' … Member must not be null'; all members are
    reported, in model order, counted."""
    expect_raw(raw, op, body, *[not_null(p) for p in paths])


def test_missing_tag_key(raw, model):
    """List paths: `tags.<1-based index>.member.<field>`."""
    body = {"ResourceArn": model, "Tags": [{"Key": "ok", "Value": "v"}, {"Value": "v"}]}
    expect_raw(raw, "AddTags", body, not_null("tags.2.member.key"))


def test_null_tag_key_inside_delete_tags(raw, model):
    body = {"ResourceArn": model, "TagKeys": ["ok", None]}
    expect_raw(raw, "DeleteTags", body, not_null("tagKeys.2.member"))


# ---- length ------------------------------------------------------------------


def test_empty_tag_key(sm_raw, model):
    """`TagKey` min 1; the empty string matches the pattern, so one item."""
    with raises_aws("ValidationException", validation(too_short("", "tags.1.member.key", 1))):
        sm_raw.add_tags(ResourceArn=model, Tags=tags(("", "v")))


def test_tag_key_of_129_characters(sm, model):
    key = "k" * 129
    with raises_aws("ValidationException", validation(too_long(key, "tags.1.member.key", 128))):
        sm.add_tags(ResourceArn=model, Tags=tags((key, "v")))


def test_tag_value_of_257_characters(sm, model):
    value = "v" * 257
    with raises_aws("ValidationException", validation(too_long(value, "tags.1.member.value", 256))):
        sm.add_tags(ResourceArn=model, Tags=tags(("k", value)))


def test_boundary_lengths_are_accepted(sm, model):
    pairs = tags(("k" * 128, "v" * 256), ("e", ""))
    sm.add_tags(ResourceArn=model, Tags=pairs)
    assert sm.list_tags(ResourceArn=model)["Tags"] == pairs


def test_lengths_count_code_points(sm, model):
    """Q9: length is in Unicode code points. U+20000 is a letter outside the
    BMP: one code point, two UTF-16 units, four UTF-8 bytes."""
    wide = "\U00020000"
    sm.add_tags(ResourceArn=model, Tags=tags((wide * 128, wide * 256)))
    assert sm.list_tags(ResourceArn=model)["Tags"] == tags((wide * 128, wide * 256))
    with raises_aws("ValidationException", validation(too_long(wide * 129, "tags.1.member.key", 128))):
        sm.add_tags(ResourceArn=model, Tags=tags((wide * 129, "v")))


def test_resource_arn_of_257_characters(sm):
    with raises_aws("ValidationException", validation(too_long(LONG_ARN, "resourceArn", 256))):
        sm.list_tags(ResourceArn=LONG_ARN)


def test_resource_arn_of_256_characters_passes_validation(sm):
    """256 is allowed; such an ARN then names no resource."""
    with raises_aws("ValidationException", NOT_FOUND):
        sm.list_tags(ResourceArn=LONG_ARN[:256])


def test_51_tag_keys(sm, model):
    keys = [f"k{i}" for i in range(51)]
    with raises_aws("ValidationException", validation(too_long(ANY_VALUE, "tagKeys", 50))):
        sm.delete_tags(ResourceArn=model, TagKeys=keys)


def test_empty_key_in_tag_keys(sm_raw, model):
    with raises_aws("ValidationException", validation(too_short("", "tagKeys.3.member", 1))):
        sm_raw.delete_tags(ResourceArn=model, TagKeys=["a", "b", ""])


def test_next_token_of_8193_characters(sm, model):
    token = "t" * 8193
    with raises_aws("ValidationException", validation(too_long(token, "nextToken", 8192))):
        sm.list_tags(ResourceArn=model, NextToken=token)


# ---- pattern -----------------------------------------------------------------


@pytest.mark.parametrize("key", ["bad!key", "tab\tkey", "new\nline", "emoji😀", "quote'"])
def test_tag_key_outside_the_pattern(sm, model, key):
    """§4: whole-string match; `\\p{Z}` is not TAB/LF; emoji are not letters."""
    item = bad_pattern(key, "tags.1.member.key", TAG_PATTERN)
    with raises_aws("ValidationException", validation(item)):
        sm.add_tags(ResourceArn=model, Tags=tags((key, "v")))


def test_tag_value_outside_the_pattern(sm, model):
    item = bad_pattern("50%", "tags.1.member.value", TAG_PATTERN)
    with raises_aws("ValidationException", validation(item)):
        sm.add_tags(ResourceArn=model, Tags=tags(("k", "50%")))


def test_tag_key_pattern_in_delete_tags(sm, model):
    item = bad_pattern("b#d", "tagKeys.2.member", TAG_PATTERN)
    with raises_aws("ValidationException", validation(item)):
        sm.delete_tags(ResourceArn=model, TagKeys=["ok", "b#d"])


@pytest.mark.parametrize("arn", ["not-an-arn", "ARN:aws:sagemaker", " arn:x", "urn:arn:x"])
def test_resource_arn_outside_the_pattern(sm, arn):
    """§0: `arn:.*`, matched against the whole string."""
    with raises_aws("ValidationException", validation(bad_pattern(arn, "resourceArn", *ARN_PATTERNS))):
        sm.add_tags(ResourceArn=arn, Tags=[])


def test_arn_that_fails_only_the_model_pattern_is_not_a_validation_error(sm):
    """§0: only `arn:.*` is validated; other ARNs are simply not found."""
    with raises_aws("ValidationException", NOT_FOUND):
        sm.list_tags(ResourceArn=UNREACHABLE_ARNS["other-service"])


# ---- several violations -------------------------------------------------------


def test_length_comes_before_pattern_within_one_member(sm, model):
    """§5 'Within one member: length rule before pattern rule' (O7)."""
    key = "!" * 129
    expected = validation(
        too_long(key, "tags.1.member.key", 128),
        bad_pattern(key, "tags.1.member.key", TAG_PATTERN),
    )
    with raises_aws("ValidationException", expected):
        sm.add_tags(ResourceArn=model, Tags=tags((key, "v")))


def test_violations_follow_member_order_and_list_index(sm):
    """§5: every violation, counted, joined with '; ', in model member order
    (ResourceArn before Tags; Key before Value; index order)."""
    arn = "x" * 257
    body_tags = tags(("ok", "bad#"), ("bad#", "ok"), ("fine", "fine"), ("k" * 129, "v" * 257))
    expected = validation(
        too_long(arn, "resourceArn", 256),
        bad_pattern(arn, "resourceArn", *ARN_PATTERNS),
        bad_pattern("bad#", "tags.1.member.value", TAG_PATTERN),
        bad_pattern("bad#", "tags.2.member.key", TAG_PATTERN),
        too_long("k" * 129, "tags.4.member.key", 128),
        too_long("v" * 257, "tags.4.member.value", 256),
    )
    with raises_aws("ValidationException", expected):
        sm.add_tags(ResourceArn=arn, Tags=body_tags)


def test_two_violations_use_the_plural(sm_raw, model):
    """'2 validation errors detected: …; …' (O7); ListTagsInput declares
    NextToken before MaxResults."""
    expected = validation(too_long("t" * 8193, "nextToken", 8192), too_small(10, "maxResults", 50))
    with raises_aws("ValidationException", expected):
        sm_raw.list_tags(ResourceArn=model, NextToken="t" * 8193, MaxResults=10)


def test_validation_comes_before_resource_lookup(sm):
    """§3.4: model constraints (step 4) before the lookup (step 5)."""
    absent = model_arn("never-created")
    with raises_aws("ValidationException", validation(bad_pattern("b@d!", "tags.1.member.key", TAG_PATTERN))):
        sm.add_tags(ResourceArn=absent, Tags=tags(("b@d!", "v")))


# ---- enum and numeric ranges (ListModels) --------------------------------------


def test_list_models_sort_by_outside_enum(sm):
    expected = validation(not_in_enum("Size", "sortBy", ["Name", "CreationTime"]))
    with raises_aws("ValidationException", expected):
        sm.list_models(SortBy="Size")


def test_list_models_sort_by_and_order_outside_enum(sm):
    expected = validation(
        not_in_enum("name", "sortBy", ["Name", "CreationTime"]),
        not_in_enum("Up", "sortOrder", ["Ascending", "Descending"]),
    )
    with raises_aws("ValidationException", expected):
        sm.list_models(SortBy="name", SortOrder="Up")


@pytest.mark.parametrize("n", [0, -1])
def test_list_models_max_results_below_1(sm_raw, n):
    with raises_aws("ValidationException", validation(too_small(n, "maxResults", 1))):
        sm_raw.list_models(MaxResults=n)


def test_list_models_max_results_above_100(sm):
    """The 'value less than or equal to' phrase is not in §5; written by
    symmetry with the minimum rule."""
    with raises_aws("ValidationException", validation(too_big(101, "maxResults", 100))):
        sm.list_models(MaxResults=101)


def test_list_models_name_contains_pattern(sm):
    item = bad_pattern("bad_name", "nameContains", "[a-zA-Z0-9-]+")
    with raises_aws("ValidationException", validation(item)):
        sm.list_models(NameContains="bad_name")


# ---- CreateModel, including nested paths ----------------------------------------


@pytest.mark.parametrize("name", ["", "-lead", "trail-", "under_score", "dot.ted", "sp ace", "quote'"])
def test_model_name_outside_the_pattern(sm, name):
    """resources.md §1: whole-string match (O8, O34); min length 0 so ""
    fails only the pattern."""
    item = bad_pattern(name, "modelName", MODEL_NAME_PATTERN)
    with raises_aws("ValidationException", validation(item)):
        sm.create_model(ModelName=name)


def test_model_name_of_64_characters(sm):
    name = "m" * 64
    with raises_aws("ValidationException", validation(too_long(name, "modelName", 63))):
        sm.create_model(ModelName=name)


def test_model_name_too_long_in_describe_and_delete(sm):
    name = "m" * 64
    with raises_aws("ValidationException", validation(too_long(name, "modelName", 63))):
        sm.describe_model(ModelName=name)
    with raises_aws("ValidationException", validation(too_long(name, "modelName", 63))):
        sm.delete_model(ModelName=name)


def test_create_model_tag_paths(sm_raw):
    """`Tags` of CreateModel is a `TagList`: the same paths as AddTags."""
    expected = validation(
        too_short("", "tags.1.member.key", 1),
        bad_pattern("x%", "tags.2.member.value", TAG_PATTERN),
    )
    with raises_aws("ValidationException", expected):
        sm_raw.create_model(ModelName="m", Tags=tags(("", "v"), ("k", "x%")))


def test_create_model_nested_structure_paths(sm):
    """§5 path rule for nested structures (O9 `productionVariants.1.member.modelName`):
    `<member>.<field>` for a structure, `<list>.<i>.member.<field>` for a list."""
    expected = validation(
        bad_pattern("has space", "primaryContainer.image", "[\\S]+"),
        bad_pattern("bad_host", "containers.2.member.containerHostname", HOST_PATTERN),
    )
    with raises_aws("ValidationException", expected):
        sm.create_model(
            ModelName="m",
            PrimaryContainer={"Image": "has space"},
            Containers=[{"Image": "ok"}, {"Image": "ok", "ContainerHostname": "bad_host"}],
        )


def test_create_model_members_in_model_order(sm_raw):
    """Member order of CreateModelInput: ModelName, PrimaryContainer, Containers,
    InferenceExecutionConfig, ExecutionRoleArn, Tags, VpcConfig."""
    expected = validation(
        bad_pattern("bad_name", "modelName", MODEL_NAME_PATTERN),
        not_in_enum("Parallel", "inferenceExecutionConfig.mode", ["Serial", "Direct"]),
        too_short("arn:short", "executionRoleArn", 20),
        bad_pattern("arn:short", "executionRoleArn", ROLE_PATTERN),
        too_long("k" * 129, "tags.1.member.key", 128),
        too_short(ANY_VALUE, "vpcConfig.securityGroupIds", 1),
        not_null("vpcConfig.subnets"),
    )
    with raises_aws("ValidationException", expected):
        sm_raw.create_model(
            ModelName="bad_name",
            InferenceExecutionConfig={"Mode": "Parallel"},
            ExecutionRoleArn="arn:short",
            Tags=tags(("k" * 129, "v")),
            VpcConfig={"SecurityGroupIds": []},
        )
