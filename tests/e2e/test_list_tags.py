"""ListTags, row by row: sagemaker-tagging.md §3.2, with §5 (messages) and
§11 Q4 (order) and Q5 (page size, tokens).

A resource holds at most 50 tags and `MaxResults` is at least 50, so a
well-behaved ListTags never needs a second page: the pagination tests check
that one page holds everything and that no `NextToken` is emitted.
"""

import pytest

from support import (
    ARN_PATTERNS,
    BAD_TOKEN,
    NOT_FOUND,
    OTHER_REGION,
    UNREACHABLE_ARNS,
    bad_pattern,
    numbered_tags,
    raises_aws,
    tags,
    too_small,
    validation,
)


def test_no_tags_gives_empty_list_and_no_token(raw, model):
    """§3.2 'No tags → {"Tags":[]}'; §1: absent optional members are omitted."""
    resp = raw("ListTags", {"ResourceArn": model})
    assert resp.status == 200, resp.describe()
    assert resp.json() == {"Tags": []}


def test_tags_are_listed_in_insertion_order(sm, model):
    """Q4: insertion order, across requests."""
    sm.add_tags(ResourceArn=model, Tags=tags(("zeta", "1"), ("alpha", "2")))
    sm.add_tags(ResourceArn=model, Tags=tags(("mu", "3")))
    assert sm.list_tags(ResourceArn=model)["Tags"] == tags(("zeta", "1"), ("alpha", "2"), ("mu", "3"))


def test_overwrite_keeps_original_position(sm, model):
    """Q4: 'overwrite keeps original position'."""
    sm.add_tags(ResourceArn=model, Tags=tags(("a", "1"), ("b", "2"), ("c", "3")))
    sm.add_tags(ResourceArn=model, Tags=tags(("c", "33"), ("a", "11")))
    assert sm.list_tags(ResourceArn=model)["Tags"] == tags(("a", "11"), ("b", "2"), ("c", "33"))


def test_deleted_then_re_added_key_goes_to_the_end(sm, model):
    """Q4: a key added again after deletion is a new insertion."""
    sm.add_tags(ResourceArn=model, Tags=tags(("a", "1"), ("b", "2"), ("c", "3")))
    sm.delete_tags(ResourceArn=model, TagKeys=["a"])
    sm.add_tags(ResourceArn=model, Tags=tags(("a", "again")))
    assert sm.list_tags(ResourceArn=model)["Tags"] == tags(("b", "2"), ("c", "3"), ("a", "again"))


def test_default_page_holds_50_tags(raw, sm, model):
    """Q5: page size 50 when `MaxResults` is omitted; no token when nothing is left."""
    sm.add_tags(ResourceArn=model, Tags=numbered_tags(50))
    resp = raw("ListTags", {"ResourceArn": model})
    assert resp.status == 200, resp.describe()
    assert resp.json() == {"Tags": numbered_tags(50)}


def test_paginator_walks_all_50_tags(sm, model):
    """§3.2 paginator (NextToken / MaxResults / Tags) over a full resource."""
    sm.add_tags(ResourceArn=model, Tags=numbered_tags(50))
    pages = list(sm.get_paginator("list_tags").paginate(ResourceArn=model))
    assert [t for page in pages for t in page["Tags"]] == numbered_tags(50)
    assert "NextToken" not in pages[-1]


def test_paginator_with_page_size_and_max_items(sm, model):
    """The paginator's own truncation must resume where it stopped."""
    sm.add_tags(ResourceArn=model, Tags=numbered_tags(50))
    paginator = sm.get_paginator("list_tags")
    first = paginator.paginate(
        ResourceArn=model, PaginationConfig={"PageSize": 50, "MaxItems": 20}
    ).build_full_result()
    assert first["Tags"] == numbered_tags(50)[:20]
    rest = paginator.paginate(
        ResourceArn=model, PaginationConfig={"PageSize": 50, "StartingToken": first["NextToken"]}
    ).build_full_result()
    assert rest["Tags"] == numbered_tags(50)[20:]


def test_manual_walk_with_max_results_50(sm, model):
    """§3.2: `MaxResults` 50 — follow `NextToken` until it is absent."""
    sm.add_tags(ResourceArn=model, Tags=numbered_tags(50))
    seen, kwargs, calls = [], {"ResourceArn": model, "MaxResults": 50}, 0
    while True:
        calls += 1
        assert calls <= 3, "NextToken never ran out"
        page = sm.list_tags(**kwargs)
        assert len(page["Tags"]) <= 50
        seen += page["Tags"]
        if "NextToken" not in page:
            break
        kwargs["NextToken"] = page["NextToken"]
    assert seen == numbered_tags(50)
    assert calls == 1


def test_max_results_has_no_maximum(sm, model):
    """§3.2 'minimum 50, no maximum'."""
    sm.add_tags(ResourceArn=model, Tags=numbered_tags(7))
    assert sm.list_tags(ResourceArn=model, MaxResults=100000)["Tags"] == numbered_tags(7)


@pytest.mark.parametrize("n", [49, 1, 0, -3])
def test_max_results_below_50_is_rejected(sm_raw, model, n):
    """§3.2 'MaxResults < 50' → exact §5 text (botocore refuses client-side)."""
    with raises_aws("ValidationException", validation(too_small(n, "maxResults", 50))):
        sm_raw.list_tags(ResourceArn=model, MaxResults=n)


@pytest.mark.parametrize("token", ["garbage", "AAAA", "eyJvZmZzZXQiOiAxfQ==", "%%%not-base64%%%"])
def test_bad_next_token_is_rejected(sm, model, token):
    """§3.2 'Bad NextToken' (Q5)."""
    sm.add_tags(ResourceArn=model, Tags=numbered_tags(3))
    with raises_aws("ValidationException", BAD_TOKEN):
        sm.list_tags(ResourceArn=model, NextToken=token)


def test_foreign_next_token_is_rejected(sm, model):
    """§3.2 'foreign NextToken' (Q5: tokens are bound to what they page):
    a real ListModels token is no ListTags token."""
    for i in range(11):
        sm.create_model(ModelName=f"m{i:02d}")
    token = sm.list_models()["NextToken"]
    with raises_aws("ValidationException", BAD_TOKEN):
        sm.list_tags(ResourceArn=model, NextToken=token)


def test_empty_resource_arn_is_a_pattern_violation(sm):
    """§3.2 'Empty ResourceArn' → the §5 observed example (O6): no length
    item, because the minimum is 0."""
    expected = validation(bad_pattern("", "resourceArn", *ARN_PATTERNS))
    with raises_aws("ValidationException", expected):
        sm.list_tags(ResourceArn="")


@pytest.mark.parametrize("case", sorted(UNREACHABLE_ARNS))
def test_unreachable_resource_does_not_exist(sm, neighbours, case):
    """§3.2 'Resource absent' and §7 lookup rules (Q7)."""
    with raises_aws("ValidationException", NOT_FOUND):
        sm.list_tags(ResourceArn=UNREACHABLE_ARNS[case])


def test_other_account_cannot_list_with_the_true_arn(sm_bob, neighbours):
    with raises_aws("ValidationException", NOT_FOUND):
        sm_bob.list_tags(ResourceArn=neighbours.arns["alice-east"])


def test_caller_in_another_region_cannot_list(make_client, neighbours):
    with raises_aws("ValidationException", NOT_FOUND):
        make_client(region=OTHER_REGION).list_tags(ResourceArn=neighbours.arns["alice-east"])


def test_deleted_model_does_not_exist(sm, model):
    sm.add_tags(ResourceArn=model, Tags=tags(("a", "1")))
    sm.delete_model(ModelName="tagged-model")
    with raises_aws("ValidationException", NOT_FOUND):
        sm.list_tags(ResourceArn=model)
