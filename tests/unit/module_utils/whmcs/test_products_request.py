"""build_request with defer_unknown: names a newer release may add wait; typos of named settings are refused now."""

from __future__ import annotations

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.product_settings import (
    ModuleOptionError,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.products import build_request

BASE = {"name": "Mail", "group": "Email", "monthly_price": "5.00"}


def test_a_name_no_named_setting_resembles_waits_for_the_module() -> None:
    request = build_request(
        {**BASE, "options": {"package": "premium", "offer_eas": False}}, defer_unknown=True
    )
    assert request.unchecked == ("package",)
    assert request.configoptions["configoption14"] == ""


def test_a_near_miss_of_a_named_setting_is_refused_as_a_typo() -> None:
    with pytest.raises(ModuleOptionError, match=r"unknown option 'offer_easy': did you mean offer_eas\?"):
        build_request({**BASE, "options": {"offer_easy": True}}, defer_unknown=True)
