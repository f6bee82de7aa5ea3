"""AddTags, row by row: sagemaker-tagging.md §3.1, with §0 (optional Value,
`arn:.*`), §3.4 (atomic apply) and §11 Q1–Q4, Q7, Q10.

Each test starts from an empty server (autouse reset) and, through the
`model` fixture, one untagged model of Alice's.
"""

import pytest

from support import (
    ANY_VALUE,
    DUPLICATE_KEY,
    NOT_FOUND,
    OTHER_REGION,
    TAG_LIMIT,
    UNREACHABLE_ARNS,
    listed_tags,
    numbered_tags,
    raises_aws,
    system_prefix,
    tags,
    too_long,
    validation,
)

# ---- add and overwrite ------------------------------------------------------


def test_new_key_is_added(sm, model):
    """§3.1 'Key not present on resource → added'."""
    sm.add_tags(ResourceArn=model, Tags=tags(("team", "ml")))
    sm.add_tags(ResourceArn=model, Tags=tags(("stage", "dev")))
    assert listed_tags(sm, model) == tags(("team", "ml"), ("stage", "dev"))


def test_existing_key_is_overwritten_in_place(sm, model):
    """§3.1 'Key already present → value replaced'; Q4: it keeps its position."""
    sm.add_tags(ResourceArn=model, Tags=tags(("a", "1"), ("b", "2"), ("c", "3")))
    sm.add_tags(ResourceArn=model, Tags=tags(("b", "two")))
    assert listed_tags(sm, model) == tags(("a", "1"), ("b", "two"), ("c", "3"))


def test_response_echoes_request_tags_in_request_order(sm, model):
    """§0 / Q3: output is the request's tags as stored, in request order, not
    every tag of the resource."""
    sm.add_tags(ResourceArn=model, Tags=tags(("a", "1"), ("b", "2")))
    out = sm.add_tags(ResourceArn=model, Tags=tags(("z", "26"), ("a", "one")))
    assert out["Tags"] == tags(("z", "26"), ("a", "one"))


def test_keys_and_values_are_case_sensitive(sm, model):
    """§3.1 'Keys/values case-sensitive (Env ≠ env)'."""
    sm.add_tags(ResourceArn=model, Tags=tags(("Env", "Prod"), ("env", "prod"), ("ENV", "PROD")))
    sm.add_tags(ResourceArn=model, Tags=tags(("env", "dev")))
    assert listed_tags(sm, model) == tags(("Env", "Prod"), ("env", "dev"), ("ENV", "PROD"))


def test_unicode_keys_and_values_round_trip(sm, model):
    """§3.1 / §4: the tag pattern allows any letter, number and separator."""
    pairs = tags(
        ("環境", "本番"),
        ("Ключ", "значение"),
        ("clé été", "valeur\u00a0insécable"),
        ("٣٤", "٥"),
        ("a_b.c:d/e=f+g-h@i", "_.:/=+-@"),
    )
    out = sm.add_tags(ResourceArn=model, Tags=pairs)
    assert out["Tags"] == pairs
    assert listed_tags(sm, model) == pairs


def test_empty_tag_list_succeeds_and_changes_nothing(sm, raw, model):
    """§3.1 'Tags: [] → success, nothing changes, output {"Tags":[]}'."""
    sm.add_tags(ResourceArn=model, Tags=tags(("keep", "me")))
    resp = raw("AddTags", {"ResourceArn": model, "Tags": []})
    assert resp.status == 200, resp.describe()
    assert resp.json() == {"Tags": []}
    assert listed_tags(sm, model) == tags(("keep", "me"))


def test_missing_value_is_stored_as_empty_string(sm, raw, model):
    """§0 / §3.1 'Value missing → stored as ""' (botocore refuses to send it)."""
    resp = raw("AddTags", {"ResourceArn": model, "Tags": [{"Key": "novalue"}]})
    assert resp.status == 200, resp.describe()
    assert resp.json() == {"Tags": [{"Key": "novalue", "Value": ""}]}
    assert listed_tags(sm, model) == tags(("novalue", ""))


def test_null_value_is_stored_as_empty_string(sm, raw, model):
    """§0: `null` → ""."""
    body = {"ResourceArn": model, "Tags": [{"Key": "a", "Value": None}, {"Key": "b", "Value": "x"}]}
    resp = raw("AddTags", body)
    assert resp.status == 200, resp.describe()
    assert resp.json() == {"Tags": tags(("a", ""), ("b", "x"))}
    assert listed_tags(sm, model) == tags(("a", ""), ("b", "x"))


def test_empty_value_is_allowed(sm, model):
    """§3.1 'Value: "" allowed'."""
    assert sm.add_tags(ResourceArn=model, Tags=tags(("flag", "")))["Tags"] == tags(("flag", ""))
    assert listed_tags(sm, model) == tags(("flag", ""))


def test_unknown_request_members_are_ignored(sm, raw, model):
    """§1 'Unknown request members → ignore'."""
    body = {"ResourceArn": model, "Tags": [{"Key": "k", "Value": "v", "Colour": "red"}], "Extra": 1}
    resp = raw("AddTags", body)
    assert resp.status == 200, resp.describe()
    assert listed_tags(sm, model) == tags(("k", "v"))


# ---- the reserved prefix ----------------------------------------------------


@pytest.mark.parametrize("key", ["aws:cost-center", "AWS:Owner", "Aws:cloudformation:stack-name", "aWS:"])
def test_system_prefix_key_is_rejected_and_nothing_applied(sm, model, key):
    """§3.1 'Key starts with aws: (any case)' (Q10); §3.4 step 7: all or nothing."""
    sm.add_tags(ResourceArn=model, Tags=tags(("before", "1")))
    with raises_aws("ValidationException", system_prefix(key)):
        sm.add_tags(ResourceArn=model, Tags=tags(("ok", "1"), (key, "x"), ("before", "changed")))
    assert listed_tags(sm, model) == tags(("before", "1"))


def test_system_prefix_elsewhere_is_allowed(sm, model):
    """Q10: values may start with `aws:`; only a key's *start* is reserved."""
    pairs = tags(("source", "aws:cloudformation"), ("my:aws:key", "v"), ("awsome", "yes"))
    sm.add_tags(ResourceArn=model, Tags=pairs)
    assert listed_tags(sm, model) == pairs


# ---- duplicates -------------------------------------------------------------


@pytest.mark.parametrize(
    "pairs",
    [
        [("dup", "1"), ("other", "x"), ("dup", "2")],
        [("dup", "same"), ("dup", "same")],
    ],
    ids=["different-values", "same-values"],
)
def test_duplicate_key_is_rejected_and_nothing_applied(sm, model, pairs):
    """§3.1 'Same key twice in one request' (Q2)."""
    with raises_aws("ValidationException", DUPLICATE_KEY):
        sm.add_tags(ResourceArn=model, Tags=tags(*pairs))
    assert listed_tags(sm, model) == []


def test_keys_differing_only_in_case_are_not_duplicates(sm, model):
    """§3.1: keys are case-sensitive, so `Team` and `team` are two keys."""
    sm.add_tags(ResourceArn=model, Tags=tags(("Team", "a"), ("team", "b")))
    assert listed_tags(sm, model) == tags(("Team", "a"), ("team", "b"))


# ---- the 50-tag limit -------------------------------------------------------


def test_51_tags_in_one_request_are_rejected(sm, model):
    """§3.1 'More than 50 items in request' → length rule at `tags` (§5).

    botocore does not check list maxima, so the default client sends it.
    How a list value is printed is not specified: any value is accepted.
    """
    with raises_aws("ValidationException", validation(too_long(ANY_VALUE, "tags", 50))):
        sm.add_tags(ResourceArn=model, Tags=numbered_tags(51))
    assert listed_tags(sm, model) == []


def test_50_tags_in_one_request_are_accepted(sm, model):
    out = sm.add_tags(ResourceArn=model, Tags=numbered_tags(50))
    assert out["Tags"] == numbered_tags(50)
    assert listed_tags(sm, model) == numbered_tags(50)


def test_filling_up_to_exactly_50_is_accepted(sm, model):
    """Q1: existing + new ≤ 50 is fine."""
    sm.add_tags(ResourceArn=model, Tags=numbered_tags(40))
    sm.add_tags(ResourceArn=model, Tags=numbered_tags(10, prefix="n"))
    assert listed_tags(sm, model) == numbered_tags(40) + numbered_tags(10, prefix="n")


def test_existing_plus_new_over_50_is_refused_atomically(sm, model):
    """Q1: existing + new distinct keys > 50 → tag-limit error, and nothing of
    the request is applied, not even its overwrites (§3.4 step 7)."""
    sm.add_tags(ResourceArn=model, Tags=numbered_tags(45))
    request = numbered_tags(3, value="changed") + numbered_tags(6, prefix="n")
    with raises_aws("ValidationException", TAG_LIMIT):
        sm.add_tags(ResourceArn=model, Tags=request)
    assert listed_tags(sm, model) == numbered_tags(45)


def test_one_new_key_at_the_limit_is_refused(sm, model):
    sm.add_tags(ResourceArn=model, Tags=numbered_tags(50))
    with raises_aws("ValidationException", TAG_LIMIT):
        sm.add_tags(ResourceArn=model, Tags=tags(("one-more", "x")))
    assert listed_tags(sm, model) == numbered_tags(50)


def test_overwrites_at_the_limit_succeed(sm, model):
    """Q1: overwriting existing keys does not count towards the limit."""
    sm.add_tags(ResourceArn=model, Tags=numbered_tags(50))
    rewritten = numbered_tags(50, value="new")
    assert sm.add_tags(ResourceArn=model, Tags=rewritten)["Tags"] == rewritten
    assert listed_tags(sm, model) == rewritten


def test_deleting_makes_room_under_the_limit(sm, model):
    sm.add_tags(ResourceArn=model, Tags=numbered_tags(50))
    sm.delete_tags(ResourceArn=model, TagKeys=["k07"])
    sm.add_tags(ResourceArn=model, Tags=tags(("late", "x")))
    expected = [t for t in numbered_tags(50) if t["Key"] != "k07"] + tags(("late", "x"))
    assert listed_tags(sm, model) == expected


# ---- resources the caller cannot reach --------------------------------------


@pytest.mark.parametrize("case", sorted(UNREACHABLE_ARNS))
def test_unreachable_resource_does_not_exist(sm, neighbours, case):
    """§3.1 'ARN well-formed, resource absent / other account or region /
    unsupported kind' and §7 (exact canonical ARN, Q7)."""
    with raises_aws("ValidationException", NOT_FOUND):
        sm.add_tags(ResourceArn=UNREACHABLE_ARNS[case], Tags=tags(("owner", "mallory")))
    neighbours.assert_untouched()


def test_caller_in_another_region_cannot_reach_the_arn(make_client, neighbours):
    """Q7: the ARN's region must be the caller's (Alice has a same-named model
    in eu-west-1, which must not be the one tagged either)."""
    west = make_client(region=OTHER_REGION)
    with raises_aws("ValidationException", NOT_FOUND):
        west.add_tags(ResourceArn=neighbours.arns["alice-east"], Tags=tags(("owner", "mallory")))
    neighbours.assert_untouched()


def test_other_account_cannot_tag_with_the_true_arn(sm_bob, neighbours):
    """§3.1 'other account': Bob holds Alice's exact ARN and still gets nothing."""
    with raises_aws("ValidationException", NOT_FOUND):
        sm_bob.add_tags(ResourceArn=neighbours.arns["alice-east"], Tags=tags(("owner", "bob")))
    neighbours.assert_untouched()


def test_deleted_model_does_not_exist(sm, model):
    """§3.1 'deleted' (O3); resources.md §4."""
    sm.add_tags(ResourceArn=model, Tags=tags(("a", "1")))
    sm.delete_model(ModelName="tagged-model")
    with raises_aws("ValidationException", NOT_FOUND):
        sm.add_tags(ResourceArn=model, Tags=tags(("b", "2")))


def test_lookup_comes_before_semantic_checks(sm):
    """§3.4: resource lookup (5) precedes the `aws:`/duplicate/limit checks (6)."""
    absent = UNREACHABLE_ARNS["never-created"]
    with raises_aws("ValidationException", NOT_FOUND):
        sm.add_tags(ResourceArn=absent, Tags=tags(("aws:x", "1")))
    with raises_aws("ValidationException", NOT_FOUND):
        sm.add_tags(ResourceArn=absent, Tags=tags(("d", "1"), ("d", "2")))


def test_semantic_checks_run_in_documented_order(sm, model):
    """§3.4 step 6 lists the `aws:` prefix before duplicates before the limit."""
    sm.add_tags(ResourceArn=model, Tags=numbered_tags(50))
    with raises_aws("ValidationException", system_prefix("aws:z")):
        sm.add_tags(ResourceArn=model, Tags=tags(("n1", "1"), ("n1", "2"), ("aws:z", "1")))
    with raises_aws("ValidationException", DUPLICATE_KEY):
        sm.add_tags(ResourceArn=model, Tags=tags(("n1", "1"), ("n2", "1"), ("n1", "2")))
