"""The named schema of the module's 23 settings: value checks, resolving to configoptionN, errors."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.product_settings import (
    OPTION_NAMES,
    OPTIONS,
    ModuleOptionError,
    resolve_options,
    split_options,
    stored_option_problems,
)
from fixtures.product_settings import EXPECTED_DEFAULTS

# The contract from the issue and reference/module.md, written out here independently of the code
# (the stored defaults are in fixtures/product_settings.py, shared with the whmcs_product tests).
EXPECTED_ORDER = [
    "gb_per_tranche",
    "eas_price",
    "mapi_price",
    "eas_mapi_price",
    "domain_path",
    "outbound_ip",
    "max_users",
    "delete_data_on_terminate",
    "password_min_length",
    "password_require_uppercase",
    "password_require_digit",
    "password_require_special",
    "spf_primary",
    "offer_eas",
    "offer_mapi",
    "eas_mapi_billing_threshold_days",
    "max_domain_aliases",
    "spf_secondary",
    "autodiscover_host",
    "autodiscover_srv_target",
    "dmarc_check",
    "dmarc_rua",
    "dmarc_policy",
]
YES_NO_TYPES = {8, 10, 11, 12, 14, 15, 21}


def refused(named: dict[str, Any], raw: dict[str, Any] | None = None) -> str:
    with pytest.raises(ModuleOptionError) as caught:
        resolve_options(named, raw or {})
    return str(caught.value)


def test_names_slots_and_types_follow_the_module_order() -> None:
    assert list(OPTION_NAMES) == EXPECTED_ORDER
    assert [spec.slot for spec in OPTIONS] == list(range(1, 24))
    assert {spec.slot for spec in OPTIONS if spec.whmcs_type == "yesno"} == YES_NO_TYPES
    assert [spec.slot for spec in OPTIONS if spec.whmcs_type == "dropdown"] == [23]


def test_nothing_given_means_every_default_and_an_empty_slot_24() -> None:
    assert resolve_options({}, {}) == EXPECTED_DEFAULTS
    assert resolve_options(None, None) == EXPECTED_DEFAULTS


def test_none_means_the_default() -> None:
    assert resolve_options({"gb_per_tranche": None, "offer_eas": None}, {})["configoption1"] == "10"


@pytest.mark.parametrize(
    ("value", "stored"),
    [(1, "1"), ("25", "25"), (" 7 ", "7"), ("007", "7"), (10.0, "10"), (99999, "99999")],
)
def test_gb_per_tranche_takes_positive_whole_numbers(value: Any, stored: str) -> None:
    assert resolve_options({"gb_per_tranche": value})["configoption1"] == stored


@pytest.mark.parametrize("value", [0, -1, "ten", 1.5, True, "", [10]])
def test_gb_per_tranche_refuses_other_values(value: Any) -> None:
    message = refused({"gb_per_tranche": value})
    assert "gb_per_tranche (configoption1)" in message
    assert "a whole number of at least 1" in message


@pytest.mark.parametrize(
    ("value", "stored"),
    [(2.5, "2.50"), ("0", "0.00"), (0, "0.00"), ("12.3", "12.30"), (Decimal("4.05"), "4.05"), (0.1, "0.10")],
)
def test_prices_are_stored_with_two_decimals(value: Any, stored: str) -> None:
    assert resolve_options({"mapi_price": value})["configoption3"] == stored


@pytest.mark.parametrize("value", [-1, "-0.01", "1.234", "abc", "nan", "inf", True, ""])
def test_prices_refuse_negative_or_unparseable_amounts(value: Any) -> None:
    message = refused({"eas_mapi_price": value})
    assert "eas_mapi_price (configoption4)" in message
    assert "an amount of 0 or more with at most 2 decimals" in message


@pytest.mark.parametrize(
    "name", ["max_users", "password_min_length", "eas_mapi_billing_threshold_days", "max_domain_aliases"]
)
def test_counts_take_zero_and_refuse_negative_numbers(name: str) -> None:
    slot = OPTION_NAMES.index(name) + 1
    assert resolve_options({name: 0})[f"configoption{slot}"] == "0"
    assert resolve_options({name: "12"})[f"configoption{slot}"] == "12"
    message = refused({name: -3})
    assert f"{name} (configoption{slot}) got -3" in message
    assert "a whole number of 0 or more" in message


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        (True, "on"),
        (False, ""),
        ("yes", "on"),
        ("No", ""),
        ("on", "on"),
        ("OFF", ""),
        ("true", "on"),
        ("false", ""),
        ("", ""),
    ],
)
def test_yes_no_is_stored_as_on_or_empty(value: Any, stored: str) -> None:
    assert resolve_options({"offer_mapi": value})["configoption15"] == stored


def test_maybe_for_a_yes_no_names_the_option_and_the_allowed_values() -> None:
    message = refused({"delete_data_on_terminate": "maybe"})
    assert "delete_data_on_terminate (configoption8) got 'maybe'" in message
    for word in ("true", "false", "yes", "no", "on", "off"):
        assert word in message


@pytest.mark.parametrize("value", [1, 0, "1", "enabled"])
def test_yes_no_refuses_numbers_and_other_words(value: Any) -> None:
    assert "dmarc_check (configoption21)" in refused({"dmarc_check": value})


def test_dropdown_takes_its_choices_in_any_case() -> None:
    assert resolve_options({"dmarc_policy": "Quarantine"})["configoption23"] == "quarantine"
    assert resolve_options({"dmarc_policy": "reject"})["configoption23"] == "reject"


def test_dropdown_refuses_a_value_outside_the_list() -> None:
    message = refused({"dmarc_policy": "strict"})
    assert "dmarc_policy (configoption23) got 'strict'" in message
    assert "one of none, quarantine, reject" in message


def test_text_keeps_the_value_and_takes_numbers() -> None:
    resolved = resolve_options(
        {"spf_primary": "include:spf.example.net", "outbound_ip": "192.0.2.7", "dmarc_rua": 5}
    )
    assert resolved["configoption13"] == "include:spf.example.net"
    assert resolved["configoption6"] == "192.0.2.7"
    assert resolved["configoption22"] == "5"


def test_module_size_is_a_box_width_not_a_limit() -> None:
    # ConfigOptions 'Size' is 40 for the domain path: WHMCS accepts longer paths, and so do we.
    long_path = "D:\\Mail\\" + "x" * 60
    assert resolve_options({"domain_path": long_path})["configoption5"] == long_path
    message = refused({"domain_path": "D:\\" + "x" * 253})
    assert "domain_path (configoption5) got 256 characters long" in message
    assert "at most 255 characters" in message


@pytest.mark.parametrize("value", ["line\nbreak", "tab\there", ["list"], {"a": 1}])
def test_text_refuses_line_breaks_and_containers(value: Any) -> None:
    assert "autodiscover_host (configoption19)" in refused({"autodiscover_host": value})


def test_unknown_option_suggests_the_closest_name_and_lists_all() -> None:
    message = refused({"offer_easy": True})
    assert "unknown option 'offer_easy': did you mean offer_eas?" in message
    assert ", ".join(EXPECTED_ORDER) in message


def test_unknown_option_without_a_close_name_has_no_suggestion() -> None:
    message = refused({"colour": "blue"})
    assert "unknown option 'colour'" in message and "did you mean" not in message


def test_names_are_matched_without_regard_to_case() -> None:
    assert resolve_options({"Offer_EAS": "no"})["configoption14"] == ""


def test_every_problem_is_reported_at_once() -> None:
    message = refused({"offer_eas": "maybe", "dmarc_policy": "strict", "max_users": -1, "nope": 1})
    for fragment in ("offer_eas", "dmarc_policy", "max_users", "unknown option 'nope'"):
        assert fragment in message


def test_raw_keys_fill_unnamed_and_named_slots() -> None:
    resolved = resolve_options({}, {"configoption24": "extra", "configoption14": "no", "configoption1": 20})
    assert resolved["configoption24"] == "extra"
    assert resolved["configoption14"] == ""
    assert resolved["configoption1"] == "20"


def test_raw_keys_are_checked_like_their_name() -> None:
    assert "offer_eas (configoption14) got 'maybe'" in refused({}, {"configoption14": "maybe"})


@pytest.mark.parametrize("key", ["configoption0", "configoption25", "configoptionX"])
def test_raw_keys_outside_1_to_24_are_refused(key: str) -> None:
    message = refused({}, {key: "x"})
    assert "configoption1..configoption24" in message


def test_a_name_and_its_raw_slot_with_different_values_are_refused() -> None:
    message = refused({"gb_per_tranche": 10}, {"configoption1": 20})
    assert "gb_per_tranche and raw key configoption1" in message and "give only one" in message


def test_a_name_and_its_raw_slot_meaning_the_same_value_are_fine() -> None:
    assert resolve_options({"offer_eas": True}, {"configoption14": "on"})["configoption14"] == "on"
    assert resolve_options({"eas_price": 2.5}, {"configoption2": "2.50"})["configoption2"] == "2.50"


def test_split_options_separates_raw_keys_from_names() -> None:
    named, raw = split_options({"gb_per_tranche": 5, "configoption24": "x", "ConfigOption3": "1.00"})
    assert named == {"gb_per_tranche": 5}
    assert raw == {"configoption24": "x", "ConfigOption3": "1.00"}
    assert split_options(None) == ({}, {})


def test_stored_options_must_be_what_whmcs_stores() -> None:
    stored = resolve_options({})
    assert stored_option_problems(stored) == []
    stored.update(configoption8="yes", configoption1="", configoption23="None", configoption7="")
    problems = stored_option_problems(stored)
    assert len(problems) == 3, problems  # an empty 0-or-more number is the module's 0, not a problem
    assert any("delete_data_on_terminate (configoption8) holds 'yes'" in problem for problem in problems)
    assert any("gb_per_tranche (configoption1)" in problem for problem in problems)
    assert any("dmarc_policy (configoption23) holds 'None'" in problem for problem in problems)
