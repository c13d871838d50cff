"""ActiveSync and MAPI/EWS lists and patches, forwarding, and user impersonation, over real HTTP and HTTPS."""

from __future__ import annotations

import pytest
from fixtures.simulator_api import (
    HIDDEN_ADMIN,
    LOGIN,
    USER_PASSWORD,
    DomainApi,
    bearer,
    domain_api_over_http_and_https,
    refused,
)

api = domain_api_over_http_and_https()
OWN_FORWARDING = "/api/v1/settings/mailbox-forward-list"
PROTOCOLS = [
    (
        "active-sync",
        "activeSyncAccounts",
        "enableActiveSyncAccountManagement",
        "maxActiveSyncAccounts",
        "ACTIVESYNC",
    ),
    ("mapi-ews", "mapiEwsAccounts", "enableMapiEwsAccountManagement", "maxMapiEwsAccounts", "MAPI_EWS"),
]


@pytest.mark.parametrize(("protocol", "list_key", "switch", "limit_key", "code"), PROTOCOLS)
def test_protocol_mailboxes_follow_the_patches(
    api: DomainApi, protocol: str, list_key: str, switch: str, limit_key: str, code: str
) -> None:
    api.add_user("jane")
    api.add_user("bob")
    patch = [{"emailAddress": api.email("jane"), "isActive": True}]
    # Off until the sysadmin turns account management on (the module does that with the SA token).
    assert refused(
        api.da_post(f"{protocol}-mailboxes-patch", patch), 403, f"{code}_ACCOUNT_MANAGEMENT_DISABLED"
    )
    assert api.da_post("domain", {"domainSettings": {switch: True}}).json()["success"] is True
    assert api.settings()[switch] is False  # a domain admin cannot turn it on itself
    assert api.sa_settings(**{switch: True}).json()["success"] is True
    assert api.da_post(f"{protocol}-mailboxes-patch", patch).json() == {"success": True, "resultCode": 200}
    rows = api.da_get(f"{protocol}-mailboxes").json()[list_key]
    assert [r["emailAddress"] for r in rows] == ["jane@example.test"] and rows[0]["isActive"] is True
    # Every save patches again, on and off, mixed case included.
    both = [
        {"emailAddress": "BOB@example.test", "isActive": True},
        {"emailAddress": api.email("jane"), "isActive": False},
    ]
    api.da_post(f"{protocol}-mailboxes-patch", both)
    assert [r["emailAddress"] for r in api.da_get(f"{protocol}-mailboxes").json()[list_key]] == [
        "bob@example.test"
    ]
    # A deleted user leaves the list.
    api.da_post("account-list-delete", {"input": ["bob"]})
    assert api.da_get(f"{protocol}-mailboxes").json()[list_key] == []


@pytest.mark.parametrize(("protocol", "list_key", "switch", "limit_key", "code"), PROTOCOLS)
def test_protocol_patch_refusals(
    api: DomainApi, protocol: str, list_key: str, switch: str, limit_key: str, code: str
) -> None:
    api.add_user("jane")
    api.add_user("bob")
    api.sa_settings(**{switch: True, limit_key: 1})
    on = [
        {"emailAddress": api.email("jane"), "isActive": True},
        {"emailAddress": api.email("bob"), "isActive": True},
    ]
    assert refused(api.da_post(f"{protocol}-mailboxes-patch", on), 400, f"{code}_LIMIT_REACHED")
    assert api.da_get(f"{protocol}-mailboxes").json()[list_key] == []  # nothing half-applied
    ghost = [{"emailAddress": "ghost@example.test", "isActive": True}]
    assert refused(api.da_post(f"{protocol}-mailboxes-patch", ghost), 404, "USER_NOT_FOUND")
    assert refused(
        api.da_post(f"{protocol}-mailboxes-patch", {"emailAddress": api.email("jane")}), 400, "INVALID_INPUT"
    )
    no_flag = [{"emailAddress": api.email("jane")}]
    assert refused(api.da_post(f"{protocol}-mailboxes-patch", no_flag), 400, "INVALID_INPUT")


def test_forwarding_round_trip_and_validation(api: DomainApi) -> None:
    api.add_user("jane")
    empty = api.da_post("get-mailbox-forward-list", {"email": api.email("jane")}).json()
    assert empty["mailboxForwardList"] == {
        "forwardList": [],
        "keepRecipients": False,
        "deleteOnForward": False,
        "spamForwardOption": "None",
    }
    body = {
        "email": api.email("jane"),
        "mailboxForwardList": {
            "forwardList": ["out@elsewhere.test"],
            "keepRecipients": True,
            "deleteOnForward": False,
            "spamForwardOption": "MoveToJunk",
        },
    }
    assert api.da_post("post-mailbox-forward-list", body).json()["success"] is True
    stored = api.da_post("get-mailbox-forward-list", {"email": api.email("jane")}).json()[
        "mailboxForwardList"
    ]
    assert stored["forwardList"] == ["out@elsewhere.test"] and stored["spamForwardOption"] == "MoveToJunk"
    by_path = api.da_get(f"mailbox-forward-list/{api.email('jane')}").json()["mailboxForwardList"]
    assert by_path == stored
    assert api.da_post("get-user-mail", {"email": api.email("jane")}).json()["userMailSettings"][
        "enableMailForwarding"
    ]

    def post(**fields: object) -> object:
        return api.da_post(
            "post-mailbox-forward-list", {"email": api.email("jane"), "mailboxForwardList": fields}
        )

    assert refused(post(forwardList=["nobody"]), 400, "FORWARD_LIST_ERROR_INVALID_ADDRESS")
    assert refused(post(spamForwardOption="Burn"), 400, "FORWARD_LIST_ERROR_INVALID_SPAM_OPTION")
    assert refused(post(keepRecipients="sometimes"), 400, "INVALID_INPUT")
    assert refused(
        api.da_post("get-mailbox-forward-list", {"email": "ghost@example.test"}), 404, "USER_NOT_FOUND"
    )
    api.sa_settings(enableMailForwarding=False)
    assert refused(post(forwardList=["x@elsewhere.test"]), 400, "MAIL_FORWARDING_DISABLED")
    assert post(forwardList=[]).json()["success"] is True  # turning it off is always allowed


def test_user_impersonation_reads_the_mailbox_own_forwarding(api: DomainApi) -> None:
    api.add_user("jane")
    api.da_post(
        "post-mailbox-forward-list",
        {"email": api.email("jane"), "mailboxForwardList": {"forwardList": ["out@elsewhere.test"]}},
    )
    by_admin = api.da_post("impersonate-user/jane").json()
    assert by_admin["email"] == "jane@example.test" and by_admin["username"] == "jane"
    own = api.client.get(OWN_FORWARDING, headers=bearer(by_admin["impersonateAccessToken"])).json()
    assert own["mailboxForwardList"]["forwardList"] == ["out@elsewhere.test"]
    # The module's other guesses give the same token kind.
    for answer in (
        api.da_post("manage-user/jane").json(),
        api.da_post("impersonate-user", {"email": api.email("jane")}).json(),
        api.sa_post(f"manage-user/{api.email('jane')}").json(),
        api.sa_post(f"impersonate-user/{api.email('jane')}").json(),
        api.sa_post(f"manage-user/jane/{api.domain}").json(),
    ):
        token = bearer(answer["impersonateAccessToken"])
        assert api.client.get(OWN_FORWARDING, headers=token).json()["mailboxForwardList"]["forwardList"]
        assert refused(api.da_get("data", headers=token), 403, "ACCESS_DENIED")  # a user, not an admin
    # The mailbox's own login writes its own forwarding too.
    own_login = api.client.post(LOGIN, json={"username": api.email("jane"), "password": USER_PASSWORD}).json()
    written = api.client.post(
        OWN_FORWARDING,
        json={"mailboxForwardList": {"forwardList": []}},
        headers=bearer(own_login["accessToken"]),
    )
    assert written.json()["success"] is True
    assert (
        api.da_post("get-mailbox-forward-list", {"email": api.email("jane")}).json()["mailboxForwardList"][
            "forwardList"
        ]
        == []
    )


def test_impersonation_refusals(api: DomainApi) -> None:
    assert refused(api.da_post("impersonate-user/ghost"), 404, "USER_NOT_FOUND")
    assert refused(api.sa_post("manage-user/ghost@example.test"), 404, "USER_NOT_FOUND")
    assert refused(api.sa_post("manage-user/someone@missing.test"), 404, "DOMAIN_NOT_FOUND")
    assert refused(api.sa_post("impersonate-user/not-an-address"), 404, "USER_NOT_FOUND")
    # A sysadmin token has no mailbox of its own.
    assert refused(api.client.get(OWN_FORWARDING, headers=api.sa), 403, "ACCESS_DENIED")
    # The domain admin impersonating its own primary admin keeps domain-admin rights.
    admin = api.da_post(f"impersonate-user/{HIDDEN_ADMIN}").json()
    assert api.da_get("data", headers=bearer(admin["impersonateAccessToken"])).status_code == 200
