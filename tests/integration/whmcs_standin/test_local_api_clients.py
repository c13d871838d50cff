"""localAPI AddClient and DeleteClient on the sandbox's WHMCS stand-in, through real php and MariaDB."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fixtures.standin import StandinHost, standin_host

pytestmark = pytest.mark.slow

CLIENT = {
    "firstname": "Grace",
    "lastname": "Hopper",
    "companyname": "Navy",
    "email": "grace@example.test",
    "address1": "1 Harbor Road",
    "city": "Arlington",
    "state": "VA",
    "postcode": "22201",
    "country": "us",
    "phonenumber": "800-555-0100",
    "password2": "Cobol-1959",
    "clientip": "192.0.2.9",
}


@pytest.fixture(scope="module")
def host() -> Iterator[StandinHost]:
    with standin_host() as running:
        yield running


@pytest.fixture(autouse=True)
def _fresh_recorder(host: StandinHost) -> None:
    host.recorder.reset()


def _with(**changes: Any) -> dict[str, Any]:
    return {**CLIENT, **changes}


def test_add_client_writes_the_client_and_its_owner_login(host: StandinHost) -> None:
    answer = host.api("AddClient", CLIENT)
    assert answer["result"] == "success" and set(answer) == {"result", "clientid"}
    client_id = int(answer["clientid"])
    [client] = host.rows("SELECT * FROM tblclients WHERE id = %s", client_id)
    assert (client["firstname"], client["lastname"], client["email"], client["country"]) == (
        "Grace",
        "Hopper",
        "grace@example.test",
        "US",
    )
    assert (client["status"], client["currency"], client["ip"], client["companyname"]) == (
        "Active",
        1,
        "192.0.2.9",
        "Navy",
    )
    [link] = host.rows("SELECT * FROM tblusers_clients WHERE client_id = %s", client_id)
    assert link["owner"] == 1
    [user] = host.rows("SELECT * FROM tblusers WHERE id = %s", link["auth_user_id"])
    assert user["email"] == "grace@example.test" and user["password"].startswith("$")
    assert "Cobol-1959" not in user["password"]
    [hook] = host.recorder.hooks()
    assert hook["hook"] == "ClientAdd" and hook["vars"]["client_id"] == client_id
    assert host.activity(f"Created Client Grace Hopper - User ID: {client_id}")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"firstname": ""}, "You did not enter your first name"),
        ({"lastname": ""}, "You did not enter your last name"),
        ({"email": ""}, "You did not enter your email address"),
        ({"address1": ""}, "You did not enter your address line 1"),
        ({"city": ""}, "You did not enter your city"),
        ({"state": ""}, "You did not enter your state"),
        ({"postcode": ""}, "You did not enter your postcode"),
        ({"country": ""}, "You did not enter your country"),
        ({"phonenumber": ""}, "You did not enter your phone number"),
        ({"email": "not-an-address"}, "The email address you entered was not valid"),
    ],
)
def test_add_client_validation(host: StandinHost, changes: dict[str, str], message: str) -> None:
    before = host.rows("SELECT COUNT(*) AS n FROM tblclients")[0]["n"]
    assert host.api("AddClient", _with(**{"email": "v@example.test", **changes})) == {
        "result": "error",
        "message": message,
    }
    assert host.rows("SELECT COUNT(*) AS n FROM tblclients")[0]["n"] == before


def test_add_client_refuses_a_taken_email_and_skipvalidation_skips_required_fields(host: StandinHost) -> None:
    host.api("AddClient", _with(email="taken@example.test"))
    assert host.api("AddClient", _with(email="taken@example.test")) == {
        "result": "error",
        "message": "A user already exists with that email address",
    }
    answer = host.api(
        "AddClient", {"email": "minimal@example.test", "password2": "x", "skipvalidation": True}
    )
    assert answer["result"] == "success"


def test_delete_client_removes_its_services_orders_and_invoices(host: StandinHost) -> None:
    placed = host.order(host.product(), "gone.test")
    client_id = placed["clientid"]
    [link] = host.rows("SELECT auth_user_id FROM tblusers_clients WHERE client_id = %s", client_id)
    answer = host.api("DeleteClient", {"clientid": client_id, "deleteusers": True})
    assert answer == {"result": "success", "clientid": str(client_id)}
    for table, column in (
        ("tblclients", "id"),
        ("tblhosting", "userid"),
        ("tblorders", "userid"),
        ("tblinvoices", "userid"),
        ("tblinvoiceitems", "userid"),
        ("tblusers_clients", "client_id"),
    ):
        assert host.rows(f"SELECT id FROM {table} WHERE {column} = %s", client_id) == [], table  # noqa: S608
    assert host.rows("SELECT id FROM tblusers WHERE id = %s", link["auth_user_id"]) == []
    assert host.recorder.calls() == []  # deleting a client runs no module command
    assert "ClientDelete" in host.recorder.hook_names()
    assert host.api("DeleteClient", {"clientid": client_id}) == {
        "result": "error",
        "message": "Client ID Not Found",
    }


def test_delete_client_keeps_the_login_unless_asked(host: StandinHost) -> None:
    client_id = host.client()
    [link] = host.rows("SELECT auth_user_id FROM tblusers_clients WHERE client_id = %s", client_id)
    assert host.api("DeleteClient", {"clientid": client_id})["result"] == "success"
    assert host.rows("SELECT id FROM tblusers WHERE id = %s", link["auth_user_id"]) != []
