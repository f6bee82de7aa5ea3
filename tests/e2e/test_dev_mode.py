"""Dev mode (no `--credentials`), as the contract defines it: the
Authorization header must still be well-formed SigV4 with a valid scope
and date, but any key is accepted without checking the signature and maps
to `--default-account` (000000000000 unless given). Start-up refuses a
non-loopback `--listen` unless `--allow-unauthenticated` is given.
"""

import datetime as dt

from support import (
    MISSING_TOKEN,
    Account,
    RawClient,
    assert_raw_error,
    model_arn,
    ok_json,
    tags,
    utc_now,
)

ANYONE = Account("000000000000", "AKIDANYONEATALL00001", "any-secret-at-all")
SOMEONE_ELSE = Account("000000000000", "AKIDSOMEONEELSE00002", "a-different-secret")


def dev_server(spawn_server, *flags):
    srv = spawn_server(*flags, credentials=False)
    return srv, RawClient("127.0.0.1", srv.port)


def test_any_key_works_and_lands_in_account_zero(spawn_server, make_client):
    srv, _ = dev_server(spawn_server)
    client = make_client(ANYONE, endpoint=srv.endpoint)
    arn = client.create_model(ModelName="Dev-Model", Tags=tags(("a", "1")))["ModelArn"]
    assert arn == "arn:aws:sagemaker:us-east-1:000000000000:model/dev-model"
    assert client.list_tags(ResourceArn=arn)["Tags"] == tags(("a", "1"))


def test_every_key_shares_the_default_account(spawn_server, make_client):
    srv, _ = dev_server(spawn_server)
    make_client(ANYONE, endpoint=srv.endpoint).create_model(ModelName="shared")
    other = make_client(SOMEONE_ELSE, endpoint=srv.endpoint)
    assert [m["ModelArn"] for m in other.list_models()["Models"]] == [model_arn("shared", "000000000000")]


def test_signature_is_not_checked(spawn_server):
    srv, client = dev_server(spawn_server)
    ok_json(client("CreateModel", {"ModelName": "m"}, account=ANYONE))
    arn = model_arn("m", "000000000000")
    bogus = client("ListTags", {"ResourceArn": arn}, account=ANYONE, after_sign=lambda h, b: (h, b + b" "))
    assert ok_json(bogus) == {"Tags": []}
    zeros = client(
        "ListTags",
        {"ResourceArn": arn},
        account=ANYONE,
        after_sign=lambda h, b: ({**h, "Authorization": h["Authorization"][:-64] + "0" * 64}, b),
    )
    assert ok_json(zeros) == {"Tags": []}


def test_default_account_flag(spawn_server, make_client):
    srv, _ = dev_server(spawn_server, "--default-account", "123456789012")
    arn = make_client(ANYONE, endpoint=srv.endpoint).create_model(ModelName="m")["ModelArn"]
    assert arn == "arn:aws:sagemaker:us-east-1:123456789012:model/m"


def test_missing_authorization_is_still_refused(spawn_server):
    _, client = dev_server(spawn_server)
    resp = client("ListModels", {}, sign=False)
    assert_raw_error(resp, "MissingAuthenticationTokenException", MISSING_TOKEN, status=403)


def test_malformed_authorization_is_still_refused(spawn_server):
    _, client = dev_server(spawn_server)
    strip = lambda h, b: ({**h, "Authorization": h["Authorization"].split(",")[0]}, b)  # noqa: E731
    resp = client("ListModels", {}, account=ANYONE, after_sign=strip)
    assert_raw_error(resp, "IncompleteSignatureException")


def test_scope_and_date_are_still_checked(spawn_server):
    _, client = dev_server(spawn_server)
    resp = client("ListModels", {}, account=ANYONE, region="moon")
    assert_raw_error(
        resp, "InvalidSignatureException", "Credential should be scoped to a valid region, not 'moon'. "
    )
    resp = client("ListModels", {}, account=ANYONE, service="s3")
    assert_raw_error(
        resp, "InvalidSignatureException", "Credential should be scoped to correct service: 'sagemaker'. "
    )
    resp = client("ListModels", {}, account=ANYONE, at=utc_now() - dt.timedelta(minutes=6))
    assert_raw_error(resp, "InvalidSignatureException")
    assert resp.json()["message"].startswith("Signature expired: ")


def test_refuses_a_public_listen_address(spawn_server):
    srv = spawn_server(credentials=False, listen="0.0.0.0:0", ready=False)
    assert srv.wait_exit() == 2
    assert "--allow-unauthenticated" in srv.stderr_path.read_text(errors="replace")
    assert srv.stdout_lines == []


def test_public_listen_address_with_the_flag(spawn_server, make_client):
    srv = spawn_server("--allow-unauthenticated", credentials=False, listen="0.0.0.0:0")
    assert srv.host == "0.0.0.0"
    client = RawClient("127.0.0.1", srv.port)
    assert client.get("/_sagetag/health").json() == {"status": "ok"}
    assert make_client(ANYONE, endpoint=srv.endpoint).list_models()["Models"] == []


def test_credentials_mode_needs_no_flag_on_a_public_address(spawn_server):
    """The refusal is about dev mode only."""
    srv = spawn_server(listen="0.0.0.0:0")
    assert RawClient("127.0.0.1", srv.port).get("/_sagetag/health").status == 200
