# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One skeleton for the Ansible modules that write the WHMCS database.

A module gives its argument spec, a ``plan`` (read the rows, decide, build the diff) and an
``apply`` (write the plan); this class does the rest the same way for all of them:

1. ``validate()`` checks the parameters before anything is opened (``validate_only`` stops here);
2. the PyMySQL dependency is checked, then ``prepare()`` may look at the host (files, warnings);
3. configuration.php is read and the database opened; a module that names a ``lock_purpose``
   then waits for the database's named lock for it (``named_lock.py``), so two runs against one
   database write one after the other;
4. ``plan()`` runs inside one transaction; in check mode (or for a ``read_only`` module) the
   transaction is rolled back and nothing is written, otherwise ``apply()`` writes the plan in
   that same transaction, so a failure leaves the database as it was;
5. the result carries ``changed``, the module's fields and a ``diff`` on every run (before ==
   after when nothing changes), secrets masked by the plan;
6. errors map to one sentence: a ``WhmcsChangeError`` (and the module's own input errors) as it is,
   a configuration/database/encryption error prefixed with what was being written, anything else as
   "<module> failed unexpectedly" with the traceback kept for -vvv.

``plan_every`` plans several changes of one call (a list of removals) before any is written, and
refuses them all, in one sentence naming each refusal, when any one is refused.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import traceback
from typing import Any, Callable, ContextManager, Dict, List, NamedTuple, Optional, Sequence, Tuple, Type

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.ansible_args import (
    open_whmcs,
    whmcs_argument_spec,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.configuration_parser import (
    WhmcsConfigError,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.database import (
    HAS_PYMYSQL,
    PYMYSQL_IMPORT_ERROR,
    WhmcsDbError,
    transaction,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.errors import WhmcsChangeError
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.named_lock import named_lock
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.password_crypto import (
    WhmcsCryptoError,
)

# Reaching WHMCS failed: the sentence says where; the module adds what it was writing.
ACCESS_ERRORS = (WhmcsConfigError, WhmcsDbError, WhmcsCryptoError)


class PlanBatch(NamedTuple):
    """The plans of one call that changes several rows; it changes something when any plan does."""

    plans: List[Any]

    @property
    def changed(self) -> bool:
        return any(plan.changed for plan in self.plans)


def plan_every(planners: Sequence[Callable[[], Any]], what: str) -> PlanBatch:
    """Run every planner; when any refuses, raise one WhmcsChangeError naming every refusal."""
    plans: List[Any] = []
    refused: List[str] = []
    for planner in planners:
        try:
            plans.append(planner())
        except WhmcsChangeError as error:
            if len(planners) == 1:
                error.details.setdefault("refused", [str(error)])
                raise
            refused.append(str(error))
    if refused:
        raise WhmcsChangeError(
            "%d of the %d %s cannot be removed, so none was removed: %s"
            % (len(refused), len(planners), what, "; ".join(refused)),
            details={"refused": refused},
        )
    return PlanBatch(plans)


class WhmcsWriteModule:
    """Subclass it, set ``name``, and give ``argument_spec``, ``plan``, ``apply`` and ``report``."""

    name = "whmcs_write"
    # Errors whose own sentence is the message, besides WhmcsChangeError.
    input_errors: Tuple[Type[Exception], ...] = ()
    # A module that only checks: its transaction is rolled back even outside check mode.
    read_only = False
    # What the module writes, when two runs against one database must take turns (named_lock.py).
    lock_purpose: Optional[str] = None

    def __init__(self, **module_options: Any) -> None:
        spec = whmcs_argument_spec()
        spec.update(self.argument_spec())
        self.module = AnsibleModule(argument_spec=spec, supports_check_mode=True, **module_options)
        self.params: Dict[str, Any] = self.module.params
        self.check_mode: bool = self.module.check_mode
        self.config: Any = None
        self.connection: Any = None
        self.result: Dict[str, Any] = dict(changed=False, **self.initial_result())

    # ---- what a module provides

    def argument_spec(self) -> Dict[str, Any]:
        """The module's own options (the whmcs doc fragment's are added)."""
        raise NotImplementedError

    def initial_result(self) -> Dict[str, Any]:
        """Result fields present even when the module fails early."""
        return {}

    def subject(self) -> Optional[str]:
        """What is being written, prefixed to configuration and database errors (None: no prefix)."""
        return None

    def validate(self) -> None:
        """Check the parameters; raise WhmcsChangeError (or an ``input_errors`` type)."""

    def prepare(self) -> None:
        """Look at the host before the database is opened (may warn or raise)."""

    def plan(self, cursor: Any) -> Any:
        """Read and decide inside the transaction; return an object with ``changed``."""
        raise NotImplementedError

    def report(self, plan: Any) -> Dict[str, Any]:
        """The result fields and ``diff`` (``before`` / ``after``, secrets masked) of a plan."""
        raise NotImplementedError

    def apply(self, cursor: Any, plan: Any) -> Dict[str, Any]:
        """Write the plan in the open transaction; return result fields the write settles (new ids)."""
        raise NotImplementedError

    # ---- the skeleton

    def run(self) -> None:
        """Validate, plan, apply (or roll back in check mode) and exit the module."""
        try:
            self.validate()
        except Exception as error:
            self._fail(error)
        if self.params.get("validate_only"):
            self.module.exit_json(**self.result)
        if not HAS_PYMYSQL:
            self.module.fail_json(msg=missing_required_lib("PyMySQL"), exception=PYMYSQL_IMPORT_ERROR)
        try:
            self.prepare()
            self.config, self.connection = open_whmcs(self.params)
            writes = not (self.check_mode or self.read_only)
            with self._write_lock(), transaction(self.connection, commit=writes) as cursor:
                plan = self.plan(cursor)
                self.result.update(self.report(plan), changed=bool(plan.changed))
                if plan.changed and writes:
                    self.result.update(self.apply(cursor, plan))
        except Exception as error:
            self._fail(error)
        finally:
            if self.connection is not None:
                self.connection.close()
        self.module.exit_json(**self.result)

    def _write_lock(self) -> ContextManager[Any]:
        """The database's named lock for ``lock_purpose``, released after the transaction ends."""
        if self.lock_purpose is None:
            return contextlib.nullcontext()
        return named_lock(self.connection, self.lock_purpose, self.config.db_name)

    def _fail(self, error: Exception) -> None:
        if isinstance(error, WhmcsChangeError):
            self.module.fail_json(msg=str(error), **dict(self.result, **error.details))
        if isinstance(error, self.input_errors):
            self.module.fail_json(msg=str(error), **self.result)
        if isinstance(error, ACCESS_ERRORS):
            subject = self.subject()
            message = "%s: %s" % (subject, error) if subject else str(error)
            self.module.fail_json(msg=message, **self.result)
        # A bug must still end in a sentence; Ansible masks no_log values in it and shows the traceback at -vvv.
        self.module.fail_json(
            msg="%s failed unexpectedly: %s" % (self.name, error),
            exception=traceback.format_exc(),
            **self.result,
        )
