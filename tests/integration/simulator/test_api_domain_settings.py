"""Domain settings validation, DKIM as the module reads it, and domain aliases, over real HTTP and HTTPS."""

from __future__ import annotations

from fixtures.simulator_api import SA, DomainApi, domain_api_over_http_and_https, domain_put_body, refused

api = domain_api_over_http_and_https()


def test_create_settings_as_the_module_sends_them(api: DomainApi) -> None:
    sent = {
        "isEnabled": True,
        "enableMailForwarding": True,
        "enableSmtpAccounts": True,
        "enableActiveSyncAccountManagement": True,
        "enableMapiEwsAccountManagement": False,
        "outgoingIP": "192.0.2.25",
    }
    assert api.sa_settings(**sent).json() == {"success": True, "resultCode": 200}
    read = api.client.get(SA + f"domain-settings/{api.domain}", headers=api.sa).json()["domainSettings"]
    assert {key: read[key] for key in sent} == sent
    assert api.data()["outgoingIP"] == "192.0.2.25"
    assert api.sa_settings(outgoingIP="").json()["success"] is True  # the module's "default"
    assert api.sa_settings(outgoingIP="2001:db8::25").json()["success"] is True


def test_settings_refusals_change_nothing(api: DomainApi) -> None:
    for settings, key in [
        ({"outgoingIP": "default"}, "outgoingIP"),
        ({"outgoingIP": "192.0.2.300"}, "outgoingIP"),
        ({"isEnabled": False, "outgoingIP": "mail.example.test"}, "outgoingIP"),
    ]:
        answer = api.sa_settings(**settings)
        assert (
            refused(answer, 400, "DOMAIN_SETTINGS_ERROR_INVALID_OUTGOING_IP")
            and answer.json()["debugInfo"] == key
        )
    assert api.data()["isEnabled"] is True  # the refused write did not suspend the domain
    for settings, key in [
        ({"enableMailForwarding": "sometimes"}, "enableMailForwarding"),
        ({"maxUsers": "many"}, "maxUsers"),
        ({"maxActiveSyncAccounts": -7}, "maxActiveSyncAccounts"),
        ({"throttleSettings": 5}, "throttleSettings"),
    ]:
        answer = api.sa_settings(**settings)
        assert (
            refused(answer, 400, "DOMAIN_SETTINGS_ERROR_INVALID_VALUE") and answer.json()["debugInfo"] == key
        )
    assert refused(api.sa_post(f"domain-settings/{api.domain}", {"domainSettings": []}), 400, "INVALID_INPUT")


def test_unknown_keys_are_dropped_and_reported_in_the_control_state(api: DomainApi) -> None:
    answer = api.sa_settings(enableActivesyncAccountManagement=True, isEnabled="True")
    assert answer.json()["success"] is True  # a lenient binder: "True" is a boolean, a typo is dropped
    assert "enableActivesyncAccountManagement" not in api.settings()
    assert api.settings()["enableActiveSyncAccountManagement"] is False
    assert api.sim.state()["domains"][0]["ignoredSettings"] == ["enableActivesyncAccountManagement"]


def test_domain_admin_cannot_lift_sysadmin_switches(api: DomainApi) -> None:
    sent = {
        "showListMenu": False,
        "maxUsers": 999,
        "outgoingIP": "192.0.2.9",
        "enableDkimSigningDomainAdmin": False,
    }
    assert api.da_post("domain", {"domainSettings": sent}).json()["success"] is True
    settings = api.settings()
    assert settings["showListMenu"] is False
    assert (settings["maxUsers"], settings["outgoingIP"], settings["enableDkimSigningDomainAdmin"]) == (
        5,
        "",
        True,
    )


def test_dkim_as_the_module_reads_it(api: DomainApi) -> None:
    keys = api.settings()["domainKeysSettings"]
    assert (keys["selector"], keys["publicKey"], keys["isActive"], keys["pending"]) == ("", "", False, None)
    assert api.settings()["enableDkimSigningDomainAdmin"] is True
    # Create: dkim-enable/false makes a pending key, found under pending.
    assert api.da_post("dkim-enable/false").json()["success"] is True
    keys = api.settings()["domainKeysSettings"]
    assert keys["enabled"] is True and keys["isActive"] is False and keys["publicKey"] == ""
    assert keys["pending"]["selector"] and keys["pending"]["publicKey"]
    # A forced rollover activates; the new key then signs and nothing is pending.
    rollover = api.da_post("dkim-create-rollover/2048").json()
    assert rollover["selector"] and rollover["publicKey"]
    assert api.settings()["domainKeysSettings"]["pending"]["selector"] == rollover["selector"]
    api.da_post("dkim-verify-rollover/true")
    keys = api.settings()["domainKeysSettings"]
    assert (keys["selector"], keys["publicKey"], keys["isActive"]) == (
        rollover["selector"],
        rollover["publicKey"],
        True,
    )
    assert keys["pending"] is None
    # toggledkim disable: signing stops; a pending key is dropped, the active one kept.
    api.da_post("dkim-create-rollover/1024")
    assert api.da_post("dkim-disable").json()["success"] is True
    keys = api.settings()["domainKeysSettings"]
    assert keys["enabled"] is False and keys["pending"] is None and keys["selector"] == rollover["selector"]


def test_disabling_dkim_drops_a_never_activated_key(api: DomainApi) -> None:
    api.da_post("dkim-enable/false")
    api.da_post("dkim-disable")
    keys = api.settings()["domainKeysSettings"]
    assert keys["pending"] is None and keys["publicKey"] == "" and keys["enabled"] is False


def test_domain_aliases_lifecycle(api: DomainApi) -> None:
    assert api.da_get("domain-aliases").json()["domainAliasData"] == []
    # The module: POST domain-alias-put/{alias}/false/ with an empty body.
    added = api.client.post(
        "/api/v1/settings/domain/domain-alias-put/example.net/false/",
        content=b"",
        headers={**api.da, "Content-Length": "0"},
    )
    assert added.json() == {"success": True, "resultCode": 200}
    assert api.da_post("domain-alias-put/EXAMPLE.org").json()["success"] is True  # {checkMx?} left out
    rows = api.da_get("domain-aliases").json()["domainAliasData"]
    assert [r["name"] for r in rows] == ["example.net", "example.org"]
    assert rows[0] == {"name": "example.net", "aliasIdn": "example.net", "domainName": "example.test"}
    assert api.data()["domainAliasCount"] == 2
    assert api.da_post("domain-alias-delete/example.net").json()["success"] is True
    assert [r["name"] for r in api.da_get("domain-aliases").json()["domainAliasData"]] == ["example.org"]
    assert api.data()["domainAliasCount"] == 1


def test_domain_alias_refusals(api: DomainApi) -> None:
    api.da_post("domain-alias-put/example.net")
    assert refused(api.da_post("domain-alias-put/no_dots"), 400, "DOMAIN_ALIAS_ADD_ERROR_INVALID_NAME")
    assert refused(api.da_post("domain-alias-put/example.test"), 400, "DOMAIN_ALIAS_ADD_ERROR_NAME_IN_USE")
    assert refused(api.da_post("domain-alias-put/example.net"), 400, "DOMAIN_ALIAS_ADD_ERROR_NAME_IN_USE")
    assert refused(
        api.da_post("domain-alias-put/mx.test/true"), 400, "DOMAIN_ALIAS_ADD_ERROR_MX_CHECK_FAILED"
    )
    assert refused(api.da_post("domain-alias-delete/ghost.test"), 404, "DOMAIN_ALIAS_NOT_FOUND")
    # A domain alias holds its name server-wide: no domain may take it.
    taken = api.client.post(SA + "domain-put", json=domain_put_body("example.net"), headers=api.sa)
    assert refused(taken, 400, "DOMAIN_ADD_ERROR_NAME_IN_USE")
    api.sa_settings(maxDomainAliases=1)
    assert refused(api.da_post("domain-alias-put/other.test"), 400, "DOMAIN_ALIAS_ADD_ERROR_LIMIT_REACHED")


def test_counts_in_the_sysadmin_domain_list(api: DomainApi) -> None:
    api.add_user("jane")
    api.add_alias("sales", "jane@example.test")
    api.da_post("domain-alias-put/example.net")
    listed = api.client.get(SA + "domains", headers=api.sa).json()["data"][0]
    assert (listed["userCount"], listed["aliasCount"], listed["domainAliasCount"]) == (2, 1, 1)
