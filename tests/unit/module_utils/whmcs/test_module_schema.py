"""The settings schema built from what a module release declares: the 23 named slots checked, the rest added."""

from __future__ import annotations

from typing import Any

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.module_schema import (
    ModuleSchemaError,
    check_schema_matches,
    module_schema,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.product_settings import (
    OPTIONS,
    ModuleOptionError,
    named_options,
    resolve_options,
    stored_option_problems,
)


def declared_named() -> list[dict[str, Any]]:
    """What the reference release's ConfigOptions declares (23 settings), as module_config_options answers it."""
    fields = []
    for spec in OPTIONS:
        default = {"on": "yes", "": ""}[spec.default] if spec.kind == "yesno" else spec.default
        fields.append(
            {
                "key": spec.name,
                "FriendlyName": spec.meaning,
                "Type": spec.whmcs_type,
                "Default": default,
                "Options": list(spec.choices),
                "Size": None,
            }
        )
    return fields


def package(choices: list[str], default: str | None = "default", key: str = "package") -> dict[str, Any]:
    return {
        "key": key,
        "FriendlyName": "Package",
        "Type": "dropdown",
        "Default": default,
        "Options": choices,
        "Size": None,
    }


def release(*added: dict[str, Any]) -> list[dict[str, Any]]:
    return declared_named() + list(added)


def test_the_reference_release_is_the_named_schema() -> None:
    schema = module_schema(declared_named())
    assert schema.specs == OPTIONS and schema.added == () and schema.warnings == ()


def test_a_24th_dropdown_is_settable_by_its_key_in_any_case_and_checked_against_its_choices() -> None:
    schema = module_schema(release(package(["default", "standard", "Premium"])))
    (spec,) = schema.added
    assert (spec.name, spec.slot, spec.kind, spec.default, spec.choices) == (
        "package",
        24,
        "choice",
        "default",
        ("default", "standard", "Premium"),
    )
    assert resolve_options({}, {}, schema.specs)["configoption24"] == "default"
    assert resolve_options({"Package": "standard"}, {}, schema.specs)["configoption24"] == "standard"
    # The module's spelling is what is stored.
    assert resolve_options({"package": "premium"}, {}, schema.specs)["configoption24"] == "Premium"
    assert resolve_options({}, {"configoption24": "standard"}, schema.specs)["configoption24"] == "standard"
    with pytest.raises(ModuleOptionError) as caught:
        resolve_options({"package": "gold"}, {}, schema.specs)
    assert str(caught.value) == (
        "module setting package (configoption24) got 'gold'; allowed: one of default, standard, Premium"
    )


def test_the_friendly_name_is_a_label_not_a_name() -> None:
    schema = module_schema(release(package(["default"], key="pkg")))
    with pytest.raises(ModuleOptionError, match="unknown option 'Package'"):
        resolve_options({"Package": "default"}, {}, schema.specs)
    assert resolve_options({"pkg": "default"}, {}, schema.specs)["configoption24"] == "default"


def test_a_named_option_still_refuses_its_bad_values_with_a_24th_setting() -> None:
    schema = module_schema(release(package(["default"])))
    with pytest.raises(ModuleOptionError, match=r"option dmarc_policy \(configoption23\) got 'strict'"):
        resolve_options({"dmarc_policy": "strict"}, {}, schema.specs)


@pytest.mark.parametrize(
    ("field", "value", "stored"),
    [
        ({"Type": "yesno", "Default": "yes"}, None, "on"),
        ({"Type": "yesno", "Default": ""}, True, "on"),
        ({"Type": "yesno"}, "off", ""),
        ({"Type": "text", "Default": "eu-1"}, None, "eu-1"),
        ({"Type": "text"}, 42, "42"),
        ({"Type": "password"}, "s3cret", "s3cret"),
        ({"Type": "textarea"}, "line 1\nline 2", "line 1\nline 2"),
        ({"Type": "radio", "Options": ["a", "b"]}, None, "a"),  # no Default: the first choice
    ],
)
def test_an_added_setting_takes_the_module_default_and_is_checked_by_its_type(
    field: dict[str, Any], value: Any, stored: str
) -> None:
    schema = module_schema(release(dict({"key": "extra", "FriendlyName": "Extra"}, **field)))
    named = {} if value is None else {"extra": value}
    assert resolve_options(named, {}, schema.specs)["configoption24"] == stored


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ({"Type": "yesno"}, "maybe", "module setting extra (configoption24) got 'maybe'; allowed: yes/no"),
        ({"Type": "text"}, "two\nlines", "module setting extra (configoption24) got text with a line break"),
    ],
)
def test_an_added_setting_refuses_values_its_type_does_not_take(
    field: dict[str, Any], value: Any, message: str
) -> None:
    schema = module_schema(release(dict({"key": "extra", "FriendlyName": "Extra"}, **field)))
    with pytest.raises(ModuleOptionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        resolve_options({"extra": value}, {}, schema.specs)


def test_a_key_that_is_a_named_option_or_a_number_is_reachable_by_slot_only() -> None:
    for key in ("gb_per_tranche", "0", "configoption3"):
        schema = module_schema(release(dict(package(["default"]), key=key)))
        assert schema.added[0].name == "configoption24"
        assert named_options({"configoption24": "default"}, schema.specs) == {"configoption24": "default"}
        assert resolve_options({}, {"configoption24": "default"}, schema.specs)["configoption24"] == "default"


def test_the_diff_shows_the_24th_slot_by_its_key() -> None:
    schema = module_schema(release(package(["default", "standard"])))
    assert named_options({"configoption23": "none", "configoption24": "standard"}, schema.specs) == {
        "dmarc_policy": "none",
        "package": "standard",
    }


def test_fewer_than_23_settings_are_refused() -> None:
    with pytest.raises(ModuleSchemaError, match="declares 22 settings, fewer than the 23 named ones"):
        module_schema(declared_named()[:22])


def test_more_than_24_settings_are_refused() -> None:
    with pytest.raises(ModuleSchemaError, match="declares 25 settings; WHMCS stores at most 24"):
        module_schema(release(package(["default"]), package(["x"], key="other")))


def test_a_setting_inserted_among_the_named_ones_is_refused_not_mapped() -> None:
    fields = declared_named()
    fields.insert(
        6, {"key": "region", "Type": "text", "Default": "", "Options": [], "FriendlyName": "Region"}
    )
    with pytest.raises(ModuleSchemaError) as caught:
        module_schema(fields)
    message = str(caught.value)
    assert (
        "slot 8 (delete_data_on_terminate; the module calls it 'Mailboxes per domain (0 = unlimited)') is of "
        "type 'text', expected 'yesno'" in message
    )
    assert message.endswith("install a module release this collection supports, or update the collection")


def test_two_text_settings_swapped_show_as_moved_defaults() -> None:
    fields = declared_named()
    fields[1], fields[2] = fields[2], fields[1]  # eas_price and mapi_price: same type, other defaults
    fields[0] = dict(fields[0], Default="20")
    with pytest.raises(ModuleSchemaError, match=r"slot 2 \(eas_price.*defaults to '3.00', expected '2.00'"):
        module_schema(fields)


def test_one_changed_default_is_a_warning() -> None:
    fields = declared_named()
    fields[1] = dict(fields[1], Default="2.50")
    assert check_schema_matches(fields) == [
        "slot 2 (eas_price; the module calls it 'Exchange ActiveSync price per mailbox per month') defaults to "
        "'2.50', expected '2.00': the module release changed this default; the value you set (or the named "
        "default) is written"
    ]


def test_a_type_whmcs_does_not_store_is_refused() -> None:
    with pytest.raises(ModuleSchemaError, match=r"slot 24 \('Map'\) is of type 'map'"):
        module_schema(release({"key": "where", "FriendlyName": "Map", "Type": "map", "Options": []}))


def test_without_a_database_the_added_dropdown_choices_are_left_to_the_host() -> None:
    schema = module_schema(release(package(["default"])), choices_known=False)
    assert resolve_options({"package": "premium"}, {}, schema.specs)["configoption24"] == "premium"


def test_a_stored_package_no_longer_offered_is_named() -> None:
    schema = module_schema(release(package(["default", "standard"])))
    stored = resolve_options({}, {}, schema.specs)
    assert stored_option_problems(stored, schema.specs) == []
    stored["configoption24"] = "premium"
    assert stored_option_problems(stored, schema.specs) == [
        "module setting package (configoption24) holds 'premium', which the module does not offer on this "
        "host; allowed: one of default, standard"
    ]
