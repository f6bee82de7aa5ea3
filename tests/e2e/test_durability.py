"""State survives the process: a clean stop (SIGTERM or SIGINT, exit 0) and
a crash (SIGKILL) after acknowledged writes both come back with every
acknowledged model and tag, in order (contract: signals; §3.4 step 7:
acknowledged means applied).

Each test runs its own server on its own data dir (`spawn_server`), except
the one that exercises the shared fixture's `restart()`.
"""

import http.client
import signal
import time

import pytest

from support import ALICE, BOB, RawClient, model_arn, numbered_tags, tags


def write_state(make_client, endpoint):
    """Models, tags, an overwrite and a deletion in two accounts; returns what
    every later read must show."""
    alice, bob = make_client(ALICE, endpoint=endpoint), make_client(BOB, endpoint=endpoint)
    alice.create_model(ModelName="Keep-Me", Tags=tags(("a", "1"), ("b", "2")))
    alice.add_tags(ResourceArn=model_arn("keep-me"), Tags=tags(("a", "one"), ("c", "3")))
    alice.create_model(ModelName="full", Tags=numbered_tags(50))
    alice.create_model(ModelName="gone", Tags=tags(("x", "1")))
    alice.delete_model(ModelName="gone")
    alice.delete_tags(ResourceArn=model_arn("keep-me"), TagKeys=["b"])
    bob.create_model(ModelName="bobs", Tags=tags(("owner", "bob")))
    return snapshot(make_client, endpoint)


def snapshot(make_client, endpoint):
    state = {}
    for acct in (ALICE, BOB):
        client = make_client(acct, endpoint=endpoint)
        for m in client.list_models(SortBy="Name", SortOrder="Ascending")["Models"]:
            described = client.describe_model(ModelName=m["ModelName"])
            state[m["ModelArn"]] = (
                m["ModelName"],
                described["CreationTime"],
                client.list_tags(ResourceArn=m["ModelArn"])["Tags"],
            )
    return state


def test_written_state_is_what_was_asked(make_client, server):
    """Guards the helper itself, so the restart tests compare the right thing."""
    state = write_state(make_client, server.endpoint)
    assert sorted(state) == sorted([model_arn("keep-me"), model_arn("full"), model_arn("bobs", BOB)])
    assert state[model_arn("keep-me")][0] == "Keep-Me"
    assert state[model_arn("keep-me")][2] == tags(("a", "one"), ("c", "3"))
    assert state[model_arn("full")][2] == numbered_tags(50)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_clean_stop_and_restart_keep_everything(spawn_server, make_client, sig):
    srv = spawn_server()
    before = write_state(make_client, srv.endpoint)
    assert srv.stop(sig) == 0, srv.stderr_text()
    again = spawn_server(data_dir=srv.data_dir)
    assert snapshot(make_client, again.endpoint) == before


def test_sigkill_after_acknowledged_writes_loses_nothing(spawn_server, make_client):
    srv = spawn_server()
    before = write_state(make_client, srv.endpoint)
    # One more write right before the kill: acknowledged means durable.
    make_client(ALICE, endpoint=srv.endpoint).add_tags(
        ResourceArn=model_arn("keep-me"), Tags=tags(("last", "word"))
    )
    before[model_arn("keep-me")][2].append({"Key": "last", "Value": "word"})
    srv.stop(signal.SIGKILL)
    again = spawn_server(data_dir=srv.data_dir)
    assert snapshot(make_client, again.endpoint) == before


def test_restarted_server_keeps_serving_writes(spawn_server, make_client):
    """After a restart the limit and uniqueness rules see the old state."""
    srv = spawn_server()
    write_state(make_client, srv.endpoint)
    srv.stop()
    again = spawn_server(data_dir=srv.data_dir)
    alice = make_client(ALICE, endpoint=again.endpoint)
    with pytest.raises(alice.exceptions.ClientError) as info:
        alice.add_tags(ResourceArn=model_arn("full"), Tags=tags(("one-more", "x")))
    assert (
        info.value.response["Error"]["Message"] == "Tag limit exceeded: a resource can have at most 50 tags."
    )
    with pytest.raises(alice.exceptions.ClientError) as info:
        alice.create_model(ModelName="KEEP-ME")
    assert (
        info.value.response["Error"]["Message"]
        == f'Cannot create already existing model "{model_arn("keep-me")}".'
    )
    alice.create_model(ModelName="gone")
    assert alice.list_tags(ResourceArn=model_arn("gone"))["Tags"] == []


def test_shared_server_restart(server, make_client):
    """The session fixture's `restart()`: same data dir, same port."""
    before = write_state(make_client, server.endpoint)
    port = server.port
    server.restart()
    assert server.port == port
    assert snapshot(make_client, server.endpoint) == before


def test_sigterm_finishes_the_request_in_flight(spawn_server, make_client):
    """Contract: on SIGTERM the server finishes in-flight requests, then
    exits 0. The request below has sent its headers and half its body when
    the signal arrives; the rest follows after it."""
    srv = spawn_server()
    make_client(ALICE, endpoint=srv.endpoint).create_model(ModelName="m")
    method, target, headers, body = RawClient("127.0.0.1", srv.port).build(
        "AddTags", {"ResourceArn": model_arn("m"), "Tags": tags(("late", "1"))}
    )
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
    try:
        conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.endheaders()
        conn.send(body[:10])
        time.sleep(0.3)  # the server has read the head of the request
        srv.proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        assert srv.proc.poll() is None, "exited with a request in flight"
        conn.send(body[10:])
        resp = conn.getresponse()
        assert resp.status == 200, resp.read()
    finally:
        conn.close()
    assert srv.wait_exit() == 0, srv.stderr_text()
    again = spawn_server(data_dir=srv.data_dir)
    stored = make_client(ALICE, endpoint=again.endpoint).list_tags(ResourceArn=model_arn("m"))["Tags"]
    assert stored == tags(("late", "1"))
