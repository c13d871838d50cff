# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Prove, before any step writes, that the WHMCS database user may do what each step does.

A user without write rights would otherwise pass every read-only check, let the module files be
installed, and fail at the server step: half installed. So each right is tried for real, with a
statement the server privilege-checks but that cannot touch a row (``... WHERE 1 = 0``), inside
a transaction that is rolled back:

* SELECT: ``SELECT 1 FROM t WHERE 1 = 0``
* INSERT: ``INSERT IGNORE INTO t (id) SELECT NULL FROM DUAL WHERE 1 = 0`` (IGNORE: strict mode
  would otherwise complain, at prepare time, of the NOT NULL columns it leaves out)
* UPDATE: ``UPDATE t SET id = NULL WHERE 1 = 0`` (``SET id = id`` would also need SELECT)
* DELETE: ``DELETE FROM t WHERE 1 = 0``

Asking the server is exact where reading ``SHOW GRANTS`` would be a guess: rights may come
from wildcard database names (``whmcs\\_%``), roles, the PUBLIC role, table or column grants,
and the server alone knows how they combine. Error 1142/1143 is a missing right, 1146 a
missing table.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from typing import Any, Dict, List, NamedTuple, Sequence, Tuple

from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.database import WhmcsDbError

__all__ = ["STEP_RIGHTS", "MissingRight", "grant_statements", "missing_rights", "refusal"]

# Every right each step's writer uses, table by table: servers.py (server), products.py and
# module_hooks.py (product: the ModuleHooks setting), database.set_setting (setting, the cron
# role's UpdateStatsAuto). Keep in step.
STEP_RIGHTS: Dict[str, Tuple[Tuple[str, Tuple[str, ...]], ...]] = {
    "server": (
        ("tblservers", ("SELECT", "INSERT", "UPDATE", "DELETE")),
        ("tblservergroups", ("SELECT", "INSERT", "UPDATE")),
        ("tblservergroupsrel", ("SELECT", "INSERT", "DELETE")),
        ("tblhosting", ("SELECT",)),
    ),
    "product": (
        ("tblproductgroups", ("SELECT", "INSERT")),
        ("tblproducts", ("SELECT", "INSERT", "UPDATE", "DELETE")),
        ("tblpricing", ("SELECT", "INSERT", "UPDATE", "DELETE")),
        ("tblproducts_slugs", ("SELECT", "INSERT", "DELETE")),
        ("tblcurrencies", ("SELECT",)),
        ("tblservergroups", ("SELECT",)),
        ("tblhosting", ("SELECT",)),
        ("tblconfiguration", ("SELECT", "INSERT", "UPDATE")),
    ),
    "setting": (("tblconfiguration", ("SELECT", "INSERT", "UPDATE")),),
}
# WHMCS releases before 8.x's slugs have no such table; products.py then writes no slug row.
OPTIONAL_TABLES = ("tblproducts_slugs",)
_PROBES = {
    "SELECT": "SELECT 1 FROM `%s` WHERE 1 = 0",
    "INSERT": "INSERT IGNORE INTO `%s` (id) SELECT NULL FROM DUAL WHERE 1 = 0",
    "UPDATE": "UPDATE `%s` SET id = NULL WHERE 1 = 0",
    "DELETE": "DELETE FROM `%s` WHERE 1 = 0",
}
_ER_TABLEACCESS_DENIED = 1142
_ER_COLUMNACCESS_DENIED = 1143
_ER_NO_SUCH_TABLE = 1146


class MissingRight(NamedTuple):
    """``privilege`` on ``table`` is refused (or the table is missing: privilege ``None``)."""

    table: str
    privilege: Any
    steps: Tuple[str, ...]


def _needed(steps: Sequence[str]) -> List[Tuple[str, str, Tuple[str, ...]]]:
    """(table, privilege, the steps needing it) in a stable order, each pair once."""
    needs: Dict[Tuple[str, str], List[str]] = {}
    for step in steps:
        for table, privileges in STEP_RIGHTS[step]:
            for privilege in privileges:
                needs.setdefault((table, privilege), []).append(step)
    return [(table, privilege, tuple(users)) for (table, privilege), users in needs.items()]


def _errno(error: Exception) -> Any:
    return error.args[0] if error.args and isinstance(error.args[0], int) else None


def missing_rights(cursor: Any, steps: Sequence[str]) -> List[MissingRight]:
    """Try every right ``steps`` need with ``cursor`` (in a transaction the caller rolls back)."""
    missing: List[MissingRight] = []
    absent_tables = set()
    for table, privilege, users in _needed(steps):
        if table in absent_tables:
            continue
        try:
            cursor.execute(_PROBES[privilege] % table)
            cursor.fetchall()
        except Exception as error:
            errno = _errno(error)
            if errno == _ER_NO_SUCH_TABLE:
                absent_tables.add(table)
                if table not in OPTIONAL_TABLES:
                    missing.append(MissingRight(table, None, users))
            elif errno in (_ER_TABLEACCESS_DENIED, _ER_COLUMNACCESS_DENIED):
                missing.append(MissingRight(table, privilege, users))
            elif errno is not None:
                raise WhmcsDbError(
                    "checking the right to %s %s failed: %s" % (privilege, table, error.args[-1]), errno=errno
                ) from None
            else:
                raise
    return missing


def _quoted_account(account: str) -> str:
    """'user@host' (CURRENT_USER()) as 'user'@'host' for a GRANT statement."""
    user, host = account.rpartition("@")[::2]
    return "'%s'@'%s'" % (user.replace("'", "''"), host.replace("'", "''"))


def _by_table(missing: Sequence[MissingRight]) -> Dict[str, Tuple[List[str], List[str]]]:
    """table -> (its missing privileges, the steps needing them), in probe order."""
    tables: Dict[str, Tuple[List[str], List[str]]] = {}
    for right in missing:
        if right.privilege is None:
            continue
        privileges, steps = tables.setdefault(right.table, ([], []))
        privileges.append(right.privilege)
        steps.extend(step for step in right.steps if step not in steps)
    return tables


def grant_statements(missing: Sequence[MissingRight], database: str, account: str) -> List[str]:
    """One GRANT per table, naming only the rights that are missing."""
    return [
        "GRANT %s ON `%s`.`%s` TO %s;"
        % (", ".join(needed[0]), database.replace("`", "``"), table, _quoted_account(account))
        for table, needed in _by_table(missing).items()
    ]


def refusal(missing: Sequence[MissingRight], database: str, account: str) -> str:
    """The sentence for the user: what is missing, for which step, and the GRANTs to run."""
    tables = [right for right in missing if right.privilege is None]
    rights = [right for right in missing if right.privilege is not None]
    parts = []
    if rights:
        listed = "; ".join(
            "%s on %s (%s step)" % (", ".join(privileges), table, " and ".join(steps))
            for table, (privileges, steps) in _by_table(rights).items()
        )
        parts.append(
            "the WHMCS database user %s lacks rights the install needs on the database %r: %s. Grant "
            "them as a database administrator, then run again: %s"
            % (
                _quoted_account(account),
                database,
                listed,
                " ".join(grant_statements(rights, database, account)),
            )
        )
    if tables:
        parts.append(
            "the WHMCS database %r has no table %s, which the %s step writes: this database is not a "
            "complete WHMCS 8 database (check $db_name in configuration.php)"
            % (
                database,
                ", ".join(right.table for right in tables),
                " and ".join(sorted({step for right in tables for step in right.steps})),
            )
        )
    return "; ".join(parts)
