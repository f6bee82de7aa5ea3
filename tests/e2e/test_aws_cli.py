"""The AWS CLI (v1, from the venv) against the server, unmodified: the other
official client the project promises to work with (STYLE.md habit 13,
tier (c)). Each CLI call starts a Python process, so the flow is kept in a
few tests.
"""

import re

from support import ALICE, SIGNATURE_MISMATCH, Account, model_arn, tags


def ok(result):
    assert result.returncode == 0, result.stderr
    return result.json()


def test_model_and_tag_lifecycle(aws_cli):
    arn = model_arn("cli-model")
    created = ok(
        aws_cli(
            "create-model", "--model-name", "CLI-Model", "--tags", "Key=team,Value=ml", "Key=stage,Value=dev"
        )
    )
    assert created == {"ModelArn": arn}

    added = ok(
        aws_cli("add-tags", "--resource-arn", arn, "--tags", "Key=stage,Value=prod", "Key=owner,Value=alice")
    )
    assert added == {"Tags": tags(("stage", "prod"), ("owner", "alice"))}

    listed = ok(aws_cli("list-tags", "--resource-arn", arn))
    assert listed == {"Tags": tags(("team", "ml"), ("stage", "prod"), ("owner", "alice"))}

    result = aws_cli("delete-tags", "--resource-arn", arn, "--tag-keys", "team", "absent")
    assert result.returncode == 0, result.stderr
    assert ok(aws_cli("list-tags", "--resource-arn", arn)) == {
        "Tags": tags(("stage", "prod"), ("owner", "alice"))
    }

    described = ok(aws_cli("describe-model", "--model-name", "CLI-Model"))
    assert described["ModelName"] == "CLI-Model"
    assert described["ModelArn"] == arn
    assert isinstance(described["CreationTime"], (int, float))  # CLI v1 prints it as received

    models = ok(aws_cli("list-models"))["Models"]
    assert [(m["ModelName"], m["ModelArn"]) for m in models] == [("CLI-Model", arn)]

    result = aws_cli("delete-model", "--model-name", "CLI-Model")
    assert result.returncode == 0, result.stderr
    assert ok(aws_cli("list-models")) == {"Models": []}


def test_cli_paginates_list_models(aws_cli, sm):
    """The CLI follows NextToken by itself (default page 10 on the server)."""
    for i in range(13):
        sm.create_model(ModelName=f"page-{i:02d}")
    models = ok(aws_cli("list-models", "--sort-by", "Name", "--sort-order", "Ascending"))["Models"]
    assert [m["ModelName"] for m in models] == [f"page-{i:02d}" for i in range(13)]


def cli_error(code, operation, message):
    """The CLI's error line; botocore may add a retry note before the colon."""
    return re.compile(
        rf"An error occurred \({code}\) when calling the {operation} operation"
        rf"(?: \(reached max retries: \d+\))?: {re.escape(message)}"
    )


def test_cli_shows_the_error_code_and_message(aws_cli):
    result = aws_cli("describe-model", "--model-name", "missing-model")
    assert result.returncode != 0
    expected = cli_error(
        "ValidationException", "DescribeModel", f'Could not find model "{model_arn("missing-model")}".'
    )
    assert expected.search(result.stderr), result.stderr


def test_cli_tag_error_on_absent_resource(aws_cli):
    result = aws_cli("list-tags", "--resource-arn", model_arn("nothing-here"))
    assert result.returncode != 0
    assert cli_error("ValidationException", "ListTags", "Resource does not exist.").search(
        result.stderr
    ), result.stderr


def test_cli_with_a_bad_key_gets_the_auth_error(aws_cli):
    impostor = Account(ALICE.account_id, ALICE.access_key, "wrong-secret-for-the-cli-000000000000")
    result = aws_cli("list-models", account=impostor)
    assert result.returncode != 0
    expected = cli_error("InvalidSignatureException", "ListModels", SIGNATURE_MISMATCH)
    assert expected.search(result.stderr), result.stderr
