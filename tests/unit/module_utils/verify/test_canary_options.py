"""The module's reading of a product's options (canary_options.py), and how products share canary runs."""

from __future__ import annotations

from typing import Any

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.canary import DEFAULT_DOMAIN_PATH
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.canary_options import (
    DEFAULTS_LABEL,
    CreateOptions,
    PlannedRun,
    create_options,
    default_options,
    php_int,
    plan_runs,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5", 5),
        (" 7", 7),  # leading whitespace is allowed
        ("12abc", 12),  # the leading number counts
        ("abc", 0),
        ("", 0),
        (None, 0),  # a missing key: (int) null
        ("-3", -3),
        ("2.9", 2),
        ("1e3", 1000),  # numeric strings with an exponent (PHP 7.1+)
        ("0x1A", 0),
        (".5", 0),
        (True, 1),
    ],
)
def test_php_int_casts_like_php(value: Any, expected: int) -> None:
    assert php_int(value) == expected


def test_the_module_defaults() -> None:
    assert default_options() == CreateOptions(
        domain_folder=DEFAULT_DOMAIN_PATH,
        user_limit=0,
        outgoing_ip="",  # 'default' is sent as ''
        eas_management=True,
        mapi_management=True,
        delete_data=True,
    )
    assert default_options("E:\\Mail\\").domain_folder == "E:\\Mail\\"


def product(**options: str) -> dict[str, Any]:
    row: dict[str, Any] = {
        "configoption5": "C:\\SmarterMail\\Domains\\",
        "configoption6": "default",
        "configoption7": "0",
        "configoption8": "on",
        "configoption14": "on",
        "configoption15": "on",
    }
    row.update(options)
    return row


@pytest.mark.parametrize(
    ("options", "field", "expected"),
    [
        ({"configoption6": "default"}, "outgoing_ip", ""),
        ({"configoption6": "Default"}, "outgoing_ip", "Default"),  # the comparison is case-sensitive
        ({"configoption6": "203.0.113.7"}, "outgoing_ip", "203.0.113.7"),
        ({"configoption6": ""}, "outgoing_ip", ""),
        ({"configoption7": "25"}, "user_limit", 25),
        ({"configoption7": "-4"}, "user_limit", 0),  # max(0, ...)
        ({"configoption7": "ten"}, "user_limit", 0),
        ({"configoption8": ""}, "delete_data", False),
        ({"configoption8": "yes"}, "delete_data", False),  # only exactly 'on' deletes the data
        ({"configoption14": "On"}, "eas_management", False),
        ({"configoption15": ""}, "mapi_management", False),
        ({"configoption5": ""}, "domain_folder", ""),  # WHMCS passes the empty option: no default
    ],
)
def test_product_options_are_read_as_the_module_reads_them(
    options: dict[str, str], field: str, expected: Any
) -> None:
    assert getattr(create_options(product(**options)), field) == expected


def test_a_missing_option_falls_back_like_the_null_coalescing_operator() -> None:
    options = create_options({})
    assert options.domain_folder is None and options.outgoing_ip == ""  # ?? default / ?? 'default'
    assert options.user_limit == 0 and not options.delete_data and not options.eas_management


def test_products_with_the_same_create_options_share_one_run() -> None:
    rows = [
        {"id": 3, "name": "Mail Pro", **product(configoption1="20")},  # billing options do not matter
        {"id": 1, "name": "Mail", **product()},
        {"id": 7, "name": "Mail Keep", **product(configoption8="", configoption14="")},
    ]
    runs = plan_runs(rows)
    assert [run.label() for run in runs] == [
        "products 'Mail Pro' (id 3), 'Mail' (id 1) (identical Create options: one run)",
        "product 'Mail Keep' (id 7)",
    ]
    assert runs[1].options.delete_data is False and runs[1].options.eas_management is False
    assert PlannedRun(default_options(), []).label() == DEFAULTS_LABEL
