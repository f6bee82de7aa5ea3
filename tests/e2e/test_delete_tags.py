"""DeleteTags, row by row: sagemaker-tagging.md §3.3, with §5 (messages),
§3.4 (whole request rejected) and Q10 (prefix in any case)."""

import pytest

from support import (
    ANY_VALUE,
    NOT_FOUND,
    OTHER_REGION,
    UNREACHABLE_ARNS,
    listed_tags,
    raises_aws,
    system_prefix,
    tags,
    too_short,
    validation,
)

ABC = tags(("a", "1"), ("b", "2"), ("c", "3"))


def test_present_key_is_removed_and_the_rest_keep_order(sm, model):
    """§3.3 'Key present → removed'."""
    sm.add_tags(ResourceArn=model, Tags=ABC)
    sm.delete_tags(ResourceArn=model, TagKeys=["b"])
    assert listed_tags(sm, model) == tags(("a", "1"), ("c", "3"))


def test_output_is_an_empty_object(raw, sm, model):
    """§1 'Empty output: DeleteTags output has no members → body {}'."""
    sm.add_tags(ResourceArn=model, Tags=ABC)
    resp = raw("DeleteTags", {"ResourceArn": model, "TagKeys": ["a"]})
    assert resp.status == 200, resp.describe()
    assert resp.json() == {}


def test_absent_key_is_ignored(sm, model):
    """§3.3 'Key not present → ignored, still 200'."""
    sm.add_tags(ResourceArn=model, Tags=ABC)
    sm.delete_tags(ResourceArn=model, TagKeys=["nope"])
    assert listed_tags(sm, model) == ABC


def test_absent_and_present_keys_together(sm, model):
    sm.add_tags(ResourceArn=model, Tags=ABC)
    sm.delete_tags(ResourceArn=model, TagKeys=["nope", "c", "also-nope", "a"])
    assert listed_tags(sm, model) == tags(("b", "2"))


def test_delete_on_an_untagged_resource_succeeds(sm, model):
    sm.delete_tags(ResourceArn=model, TagKeys=["anything"])
    assert listed_tags(sm, model) == []


def test_keys_are_case_sensitive(sm, model):
    """§3.1 case rule applies to deletion: `env` is not `Env`."""
    sm.add_tags(ResourceArn=model, Tags=tags(("Env", "Prod"), ("env", "dev")))
    sm.delete_tags(ResourceArn=model, TagKeys=["ENV", "env"])
    assert listed_tags(sm, model) == tags(("Env", "Prod"))


def test_deleting_every_key_leaves_an_empty_list(sm, model):
    sm.add_tags(ResourceArn=model, Tags=ABC)
    sm.delete_tags(ResourceArn=model, TagKeys=["a", "b", "c"])
    assert listed_tags(sm, model) == []


def test_empty_tag_keys_is_rejected_by_the_server(sm_raw, model):
    """§3.3 'TagKeys: []' → length rule at `tagKeys` (botocore refuses it
    client-side). How an empty list is printed is not specified."""
    with raises_aws("ValidationException", validation(too_short(ANY_VALUE, "tagKeys", 1))):
        sm_raw.delete_tags(ResourceArn=model, TagKeys=[])


@pytest.mark.parametrize("key", ["aws:cloudformation:stack-name", "AWS:Owner"])
def test_system_prefix_key_rejects_the_whole_request(sm, model, key):
    """§3.3 'Key starts with aws:' (O4), any case (Q10): nothing is removed."""
    sm.add_tags(ResourceArn=model, Tags=ABC)
    with raises_aws("ValidationException", system_prefix(key)):
        sm.delete_tags(ResourceArn=model, TagKeys=["a", key, "b"])
    assert listed_tags(sm, model) == ABC


@pytest.mark.parametrize("case", sorted(UNREACHABLE_ARNS))
def test_unreachable_resource_does_not_exist(sm, neighbours, case):
    """§3.3 'Resource absent' and §7 lookup rules (Q7)."""
    with raises_aws("ValidationException", NOT_FOUND):
        sm.delete_tags(ResourceArn=UNREACHABLE_ARNS[case], TagKeys=["owner"])
    neighbours.assert_untouched()


def test_other_account_cannot_delete_with_the_true_arn(sm_bob, neighbours):
    with raises_aws("ValidationException", NOT_FOUND):
        sm_bob.delete_tags(ResourceArn=neighbours.arns["alice-east"], TagKeys=["owner"])
    neighbours.assert_untouched()


def test_caller_in_another_region_cannot_delete(make_client, neighbours):
    west = make_client(region=OTHER_REGION)
    with raises_aws("ValidationException", NOT_FOUND):
        west.delete_tags(ResourceArn=neighbours.arns["alice-east"], TagKeys=["owner"])
    neighbours.assert_untouched()


def test_deleted_model_does_not_exist(sm, model):
    sm.add_tags(ResourceArn=model, Tags=ABC)
    sm.delete_model(ModelName="tagged-model")
    with raises_aws("ValidationException", NOT_FOUND):
        sm.delete_tags(ResourceArn=model, TagKeys=["a"])
