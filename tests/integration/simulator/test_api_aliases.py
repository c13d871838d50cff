"""Aliases over real HTTP and HTTPS: the module's create, read, update and delete calls and their refusals."""

from __future__ import annotations

from fixtures.simulator_api import HIDDEN_ADMIN, DomainApi, domain_api_over_http_and_https, refused

api = domain_api_over_http_and_https()


def test_an_alias_made_like_createredirect_appears_everywhere(api: DomainApi) -> None:
    api.add_user("jane")
    body = {
        "alias": {
            "name": "sales",
            "displayName": "sales",
            "allowSending": False,
            "hideFromGAL": False,
            "internalOnly": False,
            "aliasTargetList": ["jane@example.test", "Boss@Elsewhere.test"],
        }
    }
    assert api.da_post("alias-put/", body).json() == {"success": True, "resultCode": 200}
    alias = api.da_get("alias/sales").json()["alias"]
    assert alias["name"] == "sales" and alias["aliasTargetList"] == [
        "jane@example.test",
        "boss@elsewhere.test",
    ]
    assert (alias["allowSending"], alias["hideFromGAL"], alias["internalOnly"]) == (False, False, False)
    rows = api.search("aliases")
    assert [(r["userName"], r["accountType"]) for r in rows] == [("sales", 4)]
    assert rows[0]["aliasTargetList"] == alias["aliasTargetList"]
    assert rows[0]["emailAddress"] == "sales@example.test"
    assert [r["userName"] for r in api.search("users", "aliases")] == [HIDDEN_ADMIN, "jane", "sales"]
    assert "sales" not in [r["userName"] for r in api.search("users")]
    assert api.data()["aliasCount"] == 1
    assert api.sim.state()["domains"][0]["aliases"] == ["sales"]


def test_update_keeps_flags_renames_and_replaces_targets(api: DomainApi) -> None:
    api.add_alias("info", "a@example.test", allowSending=True)
    saved = api.da_post(
        "alias/", {"oldName": "info", "alias": {"name": "info", "aliasTargetList": ["b@example.test"]}}
    )
    assert saved.json()["success"] is True
    alias = api.da_get("alias/info").json()["alias"]
    assert alias["aliasTargetList"] == ["b@example.test"] and alias["allowSending"] is True
    renamed = api.da_post("alias", {"oldName": "info", "alias": {"name": "contact"}})
    assert renamed.json()["success"] is True
    assert refused(api.da_get("alias/info"), 404, "ALIAS_NOT_FOUND")
    assert api.da_get("alias/contact").json()["alias"]["aliasTargetList"] == ["b@example.test"]
    # SolidCP sends no oldName: alias.name names the alias.
    assert api.da_post("alias", {"alias": {"name": "contact", "hideFromGAL": True}}).json()["success"] is True
    assert api.da_get("alias/contact").json()["alias"]["hideFromGAL"] is True


def test_alias_refusals(api: DomainApi) -> None:
    api.add_user("jane")
    api.add_alias("sales", "jane@example.test")
    assert refused(api.add_alias("jane", "x@example.test"), 400, "USER_ADD_ERROR_NAME_IN_USE")
    assert refused(api.add_alias("sales", "x@example.test"), 400, "USER_ADD_ERROR_NAME_IN_USE")
    assert refused(api.add_alias("bad name", "x@example.test"), 400, "USER_ADD_ERROR_INVALID_NAME")
    bad_target = api.add_alias("ops", "not-an-address")
    assert (
        refused(bad_target, 400, "ALIAS_ERROR_INVALID_TARGET")
        and bad_target.json()["debugInfo"] == "not-an-address"
    )
    assert refused(api.add_alias("ops"), 400, "ALIAS_ERROR_TARGET_REQUIRED")
    assert api.add_alias("all", includeAllDomainUsers=True).json()["success"] is True  # no target needed
    assert refused(api.add_alias("ops", "x@example.test", allowSending="maybe"), 400, "INVALID_INPUT")
    assert refused(api.da_post("alias-put", {"alias": "ops"}), 400, "INVALID_INPUT")
    clash = api.da_post("alias", {"oldName": "sales", "alias": {"name": "jane"}})
    assert refused(clash, 400, "USER_ADD_ERROR_NAME_IN_USE")
    assert refused(
        api.da_post("alias", {"oldName": "ghost", "alias": {"name": "ghost"}}), 404, "ALIAS_NOT_FOUND"
    )
    assert refused(api.da_post("alias-delete/ghost"), 404, "ALIAS_NOT_FOUND")
    assert refused(api.da_get("alias/ghost"), 404, "ALIAS_NOT_FOUND")
    assert [r["userName"] for r in api.search("aliases")] == ["all", "sales"]


def test_alias_limit(api: DomainApi) -> None:
    api.sa_settings(maxAliases=1)
    assert api.add_alias("one", "a@example.test").json()["success"] is True
    assert refused(api.add_alias("two", "a@example.test"), 400, "ALIAS_ADD_ERROR_LIMIT_REACHED")


def test_delete_with_alias_delete(api: DomainApi) -> None:
    api.add_alias("sales", "a@example.test")
    assert api.da_post("alias-delete/sales").json() == {"success": True, "resultCode": 200}
    assert api.search("aliases") == [] and api.data()["aliasCount"] == 0
