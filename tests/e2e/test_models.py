"""CreateModel / DescribeModel / ListModels / DeleteModel: resources.md §1
(identity), §3 (create, duplicates), §4 (missing model, tags after
deletion), sagemaker-tagging.md §7 (ARN case, Q6) and the contract's
ListModels rules. Tags given at creation obey every AddTags rule (§3.1).
"""

import datetime as dt
import time

import pytest

from support import (
    ANY_VALUE,
    BOB,
    DUPLICATE_KEY,
    NOT_FOUND,
    OTHER_REGION,
    TAG_LIMIT,
    model_arn,
    numbered_tags,
    raises_aws,
    system_prefix,
    tags,
    too_long,
    utc_now,
    validation,
)


def already_exists(name, **kw):
    return f'Cannot create already existing model "{model_arn(name, **kw)}".'


def not_found(name, **kw):
    return f'Could not find model "{model_arn(name, **kw)}".'


# ---- create and describe ------------------------------------------------------------


def test_create_returns_the_canonical_arn(sm):
    assert (
        sm.create_model(ModelName="churn")["ModelArn"]
        == "arn:aws:sagemaker:us-east-1:111111111111:model/churn"
    )


def test_arn_lower_cases_the_name_but_describe_keeps_it(sm):
    """Q6: model ARNs are lower-case; the name keeps the caller's case (O10)."""
    arn = sm.create_model(ModelName="Churn-Model-V2")["ModelArn"]
    assert arn == "arn:aws:sagemaker:us-east-1:111111111111:model/churn-model-v2"
    described = sm.describe_model(ModelName="Churn-Model-V2")
    assert described["ModelName"] == "Churn-Model-V2"
    assert described["ModelArn"] == arn


def test_arn_carries_the_callers_account_and_region(make_client):
    west = make_client(BOB, region=OTHER_REGION)
    assert west.create_model(ModelName="m")["ModelArn"] == "arn:aws:sagemaker:eu-west-1:222222222222:model/m"


def test_describe_returns_what_was_created(sm):
    """Contract: the created members plus `ModelArn` and `CreationTime`."""
    before = utc_now()
    request = {
        "ModelName": "full",
        "PrimaryContainer": {
            "Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/xgb:1",
            "ModelDataUrl": "s3://bucket/model.tar.gz",
            "Environment": {"A": "1", "B": "two"},
        },
        "ExecutionRoleArn": "arn:aws:iam::111111111111:role/SageMakerRole",
        "EnableNetworkIsolation": True,
    }
    sm.create_model(**request)
    described = sm.describe_model(ModelName="full")
    meta = described.pop("ResponseMetadata")
    created = described.pop("CreationTime")
    assert described == {**request, "ModelArn": model_arn("full")}
    assert meta["HTTPStatusCode"] == 200
    assert before - dt.timedelta(seconds=5) <= created <= utc_now() + dt.timedelta(seconds=5)


def test_describe_does_not_return_tags(raw):
    """DescribeModelOutput has no `Tags` member (only labeling jobs mirror tags)."""
    raw("CreateModel", {"ModelName": "m", "Tags": tags(("a", "1"))})
    assert "Tags" not in raw("DescribeModel", {"ModelName": "m"}).json()


def test_duplicate_name_is_rejected_case_insensitively(sm):
    """resources.md §3 'Duplicate name' for models; §7 case-insensitive names."""
    sm.create_model(ModelName="dup-model")
    for name in ("dup-model", "DUP-Model"):
        with raises_aws("ValidationException", already_exists("dup-model")):
            sm.create_model(ModelName=name)
    assert [m["ModelName"] for m in sm.list_models()["Models"]] == ["dup-model"]


def test_failed_duplicate_leaves_the_first_models_tags(sm):
    arn = sm.create_model(ModelName="first", Tags=tags(("a", "1")))["ModelArn"]
    with raises_aws("ValidationException", already_exists("first")):
        sm.create_model(ModelName="FIRST", Tags=tags(("b", "2")))
    assert sm.list_tags(ResourceArn=arn)["Tags"] == tags(("a", "1"))


def test_same_name_in_another_account_or_region_is_another_model(sm, sm_bob, make_client):
    arns = {
        sm.create_model(ModelName="shared")["ModelArn"],
        sm_bob.create_model(ModelName="shared")["ModelArn"],
        make_client(region=OTHER_REGION).create_model(ModelName="shared")["ModelArn"],
    }
    assert arns == {
        model_arn("shared"),
        model_arn("shared", BOB),
        model_arn("shared", region=OTHER_REGION),
    }


@pytest.mark.parametrize("name", ["ghost", "Ghost-Model"])
def test_describe_and_delete_of_a_missing_model(sm, name):
    """resources.md §4: `Could not find model "<arn>".` with the lower-cased ARN."""
    with raises_aws("ValidationException", not_found(name)):
        sm.describe_model(ModelName=name)
    with raises_aws("ValidationException", not_found(name)):
        sm.delete_model(ModelName=name)


def test_other_accounts_model_is_missing(sm, sm_bob):
    sm.create_model(ModelName="private")
    with raises_aws("ValidationException", not_found("private", account=BOB)):
        sm_bob.describe_model(ModelName="private")
    with raises_aws("ValidationException", not_found("private", account=BOB)):
        sm_bob.delete_model(ModelName="private")
    assert sm.describe_model(ModelName="private")["ModelArn"] == model_arn("private")


# ---- delete --------------------------------------------------------------------------------


def test_delete_removes_the_model_and_its_tags(sm):
    """resources.md §4: once gone, tag ops answer `Resource does not exist.`;
    a re-created model starts with no tags."""
    arn = sm.create_model(ModelName="short-lived", Tags=tags(("a", "1")))["ModelArn"]
    sm.delete_model(ModelName="short-lived")
    with raises_aws("ValidationException", not_found("short-lived")):
        sm.describe_model(ModelName="short-lived")
    with raises_aws("ValidationException", NOT_FOUND):
        sm.list_tags(ResourceArn=arn)
    assert sm.list_models()["Models"] == []
    assert sm.create_model(ModelName="short-lived")["ModelArn"] == arn
    assert sm.list_tags(ResourceArn=arn)["Tags"] == []


def test_delete_twice(sm):
    sm.create_model(ModelName="once")
    sm.delete_model(ModelName="once")
    with raises_aws("ValidationException", not_found("once")):
        sm.delete_model(ModelName="once")


# ---- tags at creation -------------------------------------------------------------------------


def test_tags_given_at_creation_are_listed_in_order(sm):
    pairs = tags(("z", "1"), ("a", ""), ("m", "3"))
    arn = sm.create_model(ModelName="tagged", Tags=pairs)["ModelArn"]
    assert sm.list_tags(ResourceArn=arn)["Tags"] == pairs


def test_creation_tag_without_value(raw, sm):
    """§0 applies to every `Tag`: a missing Value is stored as ""."""
    resp = raw("CreateModel", {"ModelName": "m", "Tags": [{"Key": "k"}]})
    assert resp.status == 200, resp.describe()
    assert sm.list_tags(ResourceArn=model_arn("m"))["Tags"] == tags(("k", ""))


@pytest.mark.parametrize(
    "pairs, message",
    [
        (tags(("ok", "1"), ("aws:owner", "x")), system_prefix("aws:owner")),
        (tags(("ok", "1"), ("AWS:Owner", "x")), system_prefix("AWS:Owner")),
        (tags(("d", "1"), ("d", "2")), DUPLICATE_KEY),
        (numbered_tags(51), validation(too_long(ANY_VALUE, "tags", 50))),
    ],
    ids=["aws-prefix", "aws-prefix-upper", "duplicate", "51-tags"],
)
def test_bad_creation_tags_create_nothing(sm, pairs, message):
    """resources.md §3: tags at create obey every AddTags rule; the request is
    all or nothing, so no model is left behind."""
    with raises_aws("ValidationException", message):
        sm.create_model(ModelName="rejected", Tags=pairs)
    with raises_aws("ValidationException", not_found("rejected")):
        sm.describe_model(ModelName="rejected")


def test_fifty_creation_tags_fill_the_resource(sm):
    arn = sm.create_model(ModelName="full", Tags=numbered_tags(50))["ModelArn"]
    assert sm.list_tags(ResourceArn=arn)["Tags"] == numbered_tags(50)
    with raises_aws("ValidationException", TAG_LIMIT):
        sm.add_tags(ResourceArn=arn, Tags=tags(("one-more", "x")))


# ---- ListModels ----------------------------------------------------------------------------------


def names(page):
    return [m["ModelName"] for m in page["Models"]]


@pytest.fixture
def three_in_time(sm):
    """Three models created over two seconds, so that creation times differ
    whatever the server's clock resolution; returns the CreationTime of each."""
    times = {}
    for i, name in enumerate(["bravo", "alpha", "charlie"]):
        if i:
            time.sleep(1.1)
        sm.create_model(ModelName=name)
        times[name] = sm.describe_model(ModelName=name)["CreationTime"]
    return times


def test_list_items_have_exactly_name_arn_and_time(raw):
    raw("CreateModel", {"ModelName": "item", "ExecutionRoleArn": "arn:aws:iam::111111111111:role/R"})
    (item,) = raw("ListModels", {}).json()["Models"]
    assert set(item) == {"ModelName", "ModelArn", "CreationTime"}
    assert item["ModelArn"] == model_arn("item")


def test_default_order_is_newest_first(sm, three_in_time):
    """Contract: SortBy CreationTime, SortOrder Descending by default."""
    assert names(sm.list_models()) == ["charlie", "alpha", "bravo"]


def test_sort_by_creation_time_ascending(sm, three_in_time):
    assert names(sm.list_models(SortBy="CreationTime", SortOrder="Ascending")) == [
        "bravo",
        "alpha",
        "charlie",
    ]


def test_sort_by_name(sm, three_in_time):
    assert names(sm.list_models(SortBy="Name")) == ["charlie", "bravo", "alpha"]
    assert names(sm.list_models(SortBy="Name", SortOrder="Ascending")) == ["alpha", "bravo", "charlie"]


def test_creation_time_filters(sm, three_in_time):
    t = three_in_time
    mid_early = t["bravo"] + (t["alpha"] - t["bravo"]) / 2
    mid_late = t["alpha"] + (t["charlie"] - t["alpha"]) / 2
    assert names(sm.list_models(CreationTimeAfter=mid_early)) == ["charlie", "alpha"]
    assert names(sm.list_models(CreationTimeBefore=mid_late)) == ["alpha", "bravo"]
    assert names(sm.list_models(CreationTimeAfter=mid_early, CreationTimeBefore=mid_late)) == ["alpha"]


def test_list_times_match_describe(sm, three_in_time):
    listed = {m["ModelName"]: m["CreationTime"] for m in sm.list_models()["Models"]}
    assert listed == three_in_time


def test_name_contains_is_case_insensitive(sm):
    for name in ("alpha-one", "Beta-two", "gamma-ALPHA", "delta"):
        sm.create_model(ModelName=name)
    for needle in ("alpha", "ALPHA", "Alpha"):
        found = names(sm.list_models(NameContains=needle, SortBy="Name", SortOrder="Ascending"))
        assert found == ["alpha-one", "gamma-ALPHA"], needle
    assert names(sm.list_models(NameContains="nothing")) == []


def test_default_page_is_ten(sm):
    for i in range(12):
        sm.create_model(ModelName=f"m{i:02d}")
    first = sm.list_models(SortBy="Name", SortOrder="Ascending")
    assert names(first) == [f"m{i:02d}" for i in range(10)]
    second = sm.list_models(SortBy="Name", SortOrder="Ascending", NextToken=first["NextToken"])
    assert names(second) == ["m10", "m11"]
    assert "NextToken" not in second


def test_max_results_bounds(sm):
    for i in range(3):
        sm.create_model(ModelName=f"m{i}")
    assert len(sm.list_models(MaxResults=1)["Models"]) == 1
    assert len(sm.list_models(MaxResults=100)["Models"]) == 3


def test_paginator_walks_every_model_once(sm):
    expected = [f"model-{i:02d}" for i in range(23)]
    for name in expected:
        sm.create_model(ModelName=name)
    pages = list(
        sm.get_paginator("list_models").paginate(
            SortBy="Name", SortOrder="Ascending", PaginationConfig={"PageSize": 5}
        )
    )
    assert [len(p["Models"]) for p in pages] == [5, 5, 5, 5, 3]
    assert [n for p in pages for n in names(p)] == expected


def test_paginator_with_filter_and_default_order(sm):
    for i in range(15):
        sm.create_model(ModelName=f"keep-{i:02d}" if i % 2 else f"drop-{i:02d}")
    result = (
        sm.get_paginator("list_models")
        .paginate(NameContains="KEEP", SortBy="Name", PaginationConfig={"PageSize": 3})
        .build_full_result()
    )
    assert names(result) == [f"keep-{i:02d}" for i in range(13, 0, -2)]


def test_bad_next_token(sm):
    with raises_aws("ValidationException"):
        sm.list_models(NextToken="not-a-token")


def test_listing_is_per_account_and_region(sm, sm_bob, make_client):
    sm.create_model(ModelName="east")
    make_client(region=OTHER_REGION).create_model(ModelName="west")
    sm_bob.create_model(ModelName="bobs")
    assert names(sm.list_models()) == ["east"]
    assert names(make_client(region=OTHER_REGION).list_models()) == ["west"]
    assert names(sm_bob.list_models()) == ["bobs"]
