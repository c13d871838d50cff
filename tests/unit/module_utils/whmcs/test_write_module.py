"""write_module: plan_every plans a batch all or none (the skeleton itself runs in the module tests)."""

from __future__ import annotations

from typing import Any

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.errors import WhmcsChangeError
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.write_module import (
    PlanBatch,
    plan_every,
)


class Plan:
    def __init__(self, changed: bool) -> None:
        self.changed = changed


def refuse(message: str) -> Any:
    def planner() -> Any:
        raise WhmcsChangeError(message)

    return planner


def test_every_plan_is_made_and_the_batch_changes_when_one_does() -> None:
    batch = plan_every([lambda: Plan(False), lambda: Plan(True)], "products")
    assert isinstance(batch, PlanBatch) and batch.changed
    assert not plan_every([lambda: Plan(False)], "products").changed


def test_every_refusal_is_named_in_one_error() -> None:
    planned: list[str] = []

    def later() -> Plan:
        planned.append("C")
        return Plan(True)

    with pytest.raises(WhmcsChangeError) as error:
        plan_every([refuse("A is in use"), lambda: Plan(True), refuse("B is in use"), later], "products")
    assert (
        str(error.value)
        == "2 of the 4 products cannot be removed, so none was removed: A is in use; B is in use"
    )
    assert error.value.details == {"refused": ["A is in use", "B is in use"]}
    assert planned == ["C"]  # planning went on after the first refusal, so every refusal is named


def test_a_batch_of_one_refuses_with_its_own_sentence() -> None:
    with pytest.raises(WhmcsChangeError) as error:
        plan_every([refuse("A is in use")], "servers")
    assert str(error.value) == "A is in use" and error.value.details == {"refused": ["A is in use"]}
