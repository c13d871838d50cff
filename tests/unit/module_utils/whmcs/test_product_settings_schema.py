"""check_schema_matches(): a module whose settings do not line up slot by slot is refused."""

from __future__ import annotations

from typing import Any

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.module_schema import (
    ModuleSchemaError,
    check_schema_matches,
)

# What a module identical to the real one reports (labels are free text and deliberately odd).
TYPES = ["text"] * 7 + ["yesno", "text", "yesno", "yesno", "yesno", "text", "yesno", "yesno"]
TYPES += ["text"] * 5 + ["yesno", "text", "dropdown"]
DEFAULTS = ["10", "2.00", "3.00", "4.50", "C:\\SmarterMail\\Domains\\", "default", "0", "on", "8", "on", "on"]
DEFAULTS += ["on", "include:mail.example.com", "on", "on", "1", "0", "", "", "", "", "", "none"]


def module_options() -> list[dict[str, Any]]:
    return [
        {
            "key": f"k{slot}",
            "FriendlyName": f"Label {slot}",
            "Type": kind,
            "Default": default,
            "Options": ["none", "quarantine", "reject"] if kind == "dropdown" else [],
            "Size": None,
        }
        for slot, (kind, default) in enumerate(zip(TYPES, DEFAULTS, strict=True), start=1)
    ]


def refusal(options: list[dict[str, Any]]) -> str:
    with pytest.raises(ModuleSchemaError) as caught:
        check_schema_matches(options)
    return str(caught.value)


def test_a_matching_module_passes() -> None:
    assert check_schema_matches(module_options()) == []


def test_yes_no_defaults_may_be_written_as_words() -> None:
    options = module_options()
    options[7]["Default"] = "yes"
    options[20]["Default"] = None
    check_schema_matches(options)


def test_one_option_fewer_is_refused() -> None:
    options = module_options()
    del options[6]
    message = refusal(options)
    assert "the module declares 22 settings, fewer than the 23 named ones" in message
    assert "slot 7 (max_users" in message  # everything after the gap shifted


def test_a_24th_option_is_accepted_and_a_25th_refused() -> None:
    new = {"key": "new", "FriendlyName": "New", "Type": "text", "Default": ""}
    assert check_schema_matches([*module_options(), new]) == []
    assert "declares 25 settings; WHMCS stores at most 24" in refusal([*module_options(), new, new])


def test_swapped_types_are_refused_with_the_slot() -> None:
    options = module_options()
    options[6], options[7] = options[7], options[6]
    message = refusal(options)
    assert "slot 7 (max_users; the module calls it 'Label 8') is of type 'yesno', expected 'text'" in message
    assert "slot 8 (delete_data_on_terminate" in message


def test_one_changed_default_is_a_warning() -> None:
    options = module_options()
    options[1]["Default"] = "2.50"
    (warning,) = check_schema_matches(options)
    assert "slot 2 (eas_price; the module calls it 'Label 2') defaults to '2.50', expected '2.00'" in warning


def test_two_changed_defaults_mean_moved_slots_and_are_refused() -> None:
    options = module_options()
    # Two text settings swapped places: the types still line up, only the defaults show it.
    options[1]["Default"], options[2]["Default"] = options[2]["Default"], options[1]["Default"]
    message = refusal(options)
    assert "slot 2 (eas_price; the module calls it 'Label 2') defaults to '3.00', expected '2.00'" in message
    assert "slot 3 (mapi_price" in message


def test_other_dropdown_choices_are_refused() -> None:
    options = module_options()
    options[22]["Options"] = ["none", "reject"]
    assert "offers none, reject, expected none, quarantine, reject" in refusal(options)


def test_the_message_says_nothing_was_written() -> None:
    assert "Nothing was written" in refusal(module_options()[:-1])
