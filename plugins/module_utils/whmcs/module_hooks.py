# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which server modules' ``hooks.php`` WHMCS loads: the ``ModuleHooks`` setting, kept as WHMCS keeps it.

WHMCS includes ``modules/servers/<name>/hooks.php`` on every request for each name in
``tblconfiguration.ModuleHooks``, a comma-separated list it splits on ``,`` and uses as written
(no trimming). It rebuilds that list only when a module is activated or a product's Module
Settings are saved in the admin area, and then lists every module that is the server type of
some product and ships a ``hooks.php`` (docs/verify.md "hooks"; developers.whmcs.com/hooks/module-hooks).
A product written straight into the database is never detected, so its module's hooks never run.

``whmcs_product`` therefore records the module the way that save would, for our module only:

* the module is listed when at least one product uses it and its folder has a ``hooks.php``;
  otherwise its name is removed (WHMCS's rebuild would drop it too);
* other names are kept, in their order and as written; blank entries and exact repeats are
  dropped when the list is rewritten (they load nothing, or load a file twice);
* a list that already holds the exact name is left untouched (no rewrite, no change);
* the row is UPDATEd when it exists (a fresh WHMCS has it, value ''), INSERTed when it does not.

The pure list functions (``listed``, ``with_module``, ``without_module``) are what verify's
``hooks`` check uses too, so the writer and the check agree on what "listed" means.
"""

from __future__ import absolute_import, annotations, division, print_function

__metaclass__ = type

import datetime
import os
from typing import Any, Dict, List, NamedTuple, Optional, Sequence

from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.database import WhmcsDbError

try:
    import pymysql
except ImportError:  # pragma: no cover - whmcs_db explains the missing driver
    pymysql = None  # type: ignore[assignment]

__all__ = [
    "HOOKS_FILE",
    "SETTING",
    "HooksPlan",
    "apply_hooks_plan",
    "hooks_file_of",
    "listed",
    "module_product_count",
    "plan_module_hooks",
    "read_module_hooks",
    "with_module",
    "without_module",
]

SETTING = "ModuleHooks"
HOOKS_FILE = "hooks.php"


# ---------------------------------------------------------------- the list (pure)


def _entries(value: Optional[str]) -> List[str]:
    """The list as WHMCS splits it: every entry between commas, as written."""
    return str(value or "").split(",")


def listed(value: Optional[str], module: str) -> bool:
    """True when WHMCS would load ``module``'s hooks.php: the exact name is one of the entries."""
    return module in _entries(value)


def _cleaned(value: Optional[str], module: str) -> List[str]:
    """The other modules' entries, in order, without blanks, repeats or any spelling of ``module``."""
    kept: List[str] = []
    for entry in _entries(value):
        if not entry.strip() or entry.strip() == module or entry in kept:
            continue
        kept.append(entry)
    return kept


def with_module(value: Optional[str], module: str) -> str:
    """The list with ``module`` recorded once at the end; ``value`` itself when it already is."""
    if value is not None and listed(value, module):
        return value
    return ",".join([*_cleaned(value, module), module])


def without_module(value: Optional[str], module: str) -> Optional[str]:
    """The list without ``module`` (any spelling); ``value`` itself when it does not mention it."""
    if not any(entry.strip() == module for entry in _entries(value)):
        return value
    return ",".join(_cleaned(value, module))


def hooks_file_of(module_file: str) -> str:
    """The hooks.php beside the module's main file (the module folder's hooks file)."""
    return os.path.join(os.path.dirname(module_file), HOOKS_FILE)


# ---------------------------------------------------------------- the database


class HooksPlan(NamedTuple):
    """The ModuleHooks change of one run: ``before`` is None when the row does not exist."""

    module: str
    wanted: bool
    hooks_file: str
    exists: bool
    before: Optional[str]
    after: Optional[str]

    @property
    def changed(self) -> bool:
        return self.after != self.before

    def report(self) -> Dict[str, Any]:
        """The module's ``module_hooks`` result field."""
        return {
            "setting": SETTING,
            "module": self.module,
            "hooks_file": self.hooks_file,
            "listed": self.wanted,
            "before": self.before,
            "after": self.after,
        }


def _rows(cursor: Any, sql: str, parameters: Sequence[Any] = ()) -> List[Dict[str, Any]]:
    try:
        cursor.execute(sql, tuple(parameters))
        return list(cursor.fetchall())
    except Exception as error:
        if pymysql is not None and isinstance(error, pymysql.MySQLError):
            errno = error.args[0] if error.args and isinstance(error.args[0], int) else None
            raise WhmcsDbError("database query failed: %s" % (error.args[-1],), errno=errno) from None
        raise


def read_module_hooks(cursor: Any) -> Optional[str]:
    """tblconfiguration ModuleHooks, or None when the row does not exist."""
    rows = _rows(cursor, "SELECT value FROM tblconfiguration WHERE setting = %s", (SETTING,))
    return None if not rows else str(rows[0]["value"] or "")


def module_product_count(cursor: Any, module: str, leaving: Sequence[int] = ()) -> int:
    """How many products use ``module`` once the products ``leaving`` (ids) are deleted."""
    gone = {int(product_id) for product_id in leaving}
    rows = _rows(cursor, "SELECT id FROM tblproducts WHERE servertype = %s", (module,))
    return sum(1 for row in rows if int(row["id"]) not in gone)


def plan_module_hooks(cursor: Any, module: str, wanted: bool, hooks_file: str) -> HooksPlan:
    """Read ModuleHooks and decide it: ``module`` recorded when ``wanted``, removed otherwise."""
    before = read_module_hooks(cursor)
    after = with_module(before, module) if wanted else without_module(before, module)
    return HooksPlan(module, wanted, hooks_file, before is not None, before, after)


def apply_hooks_plan(cursor: Any, plan: HooksPlan) -> None:
    """Write the plan in the caller's transaction (UPDATE the row, or INSERT it when missing)."""
    if not plan.changed or plan.after is None:
        return
    now = datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    if plan.exists:
        cursor.execute(
            "UPDATE tblconfiguration SET value = %s, updated_at = %s WHERE setting = %s",
            (plan.after, now, SETTING),
        )
    else:
        cursor.execute(
            "INSERT INTO tblconfiguration (setting, value, created_at, updated_at) VALUES (%s, %s, %s, %s)",
            (SETTING, plan.after, now, now),
        )
