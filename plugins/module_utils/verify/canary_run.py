# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One canary run: the module's Create, Suspend, Unsuspend, UsageUpdate and Terminate for one product's options.

The module's calls are replayed in its order with its bodies (module-api-calls.md 3.1-3.5), and
the module's own control flow decides what comes next (its rule: HTTP 2xx is success). Each answer
is judged by our rule too (canary_wire.py); where the two disagree the run says what the module
would do and what really happened. Between the module's functions the canary reads the domain
back with the verify client (our reads, not the module's) to prove each function did its job.

Steps, in order (ids appear in results):
  create       SA login, existence probe, domain-put, domain-settings (rollback on failure)
  impersonate  manage-domain (DA-imp token)                              } still the module's Create
  dkim         dkim-enable/false, GET settings/domain/domain, rollover   }
  read         our read-back: the domain, its admin and settings as Create sent them
  suspend      SA login, domain-settings isEnabled false; our read: disabled
  unsuspend    SA login, domain-settings isEnabled true
  usage        SA login, GET settings/sysadmin/domain/{d} -> diskUsage (and: enabled again)
  terminate    SA login, domain-delete/{d}/{option 8 === 'on'}
  gone         our read: the domain no longer exists

A failed step stops the run at the end of the module function it belongs to; the ``finally``
cleanup removes whatever may remain, and only the canary's own domain (see canary.py).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, NoReturn, Optional

from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.errors import (
    SmarterMailConflictError,
    SmarterMailError,
    SmarterMailInvalidNameError,
    SmarterMailPermissionError,
    SmarterMailRequestError,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.canary import (
    CanaryCancelled,
    admin_password,
    admin_username,
    domain_path,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.canary_cleanup import (
    CLEANUP_ABSENT,
    CLEANUP_DELETED,
    CLEANUP_LEFT_BEHIND,
    is_primary_admin,
    local_part,
    remove_canary,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.canary_hints import (
    hint_for,
    settings_hint,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.canary_module import (
    DKIM_KEY_BITS,
    dkim_key,
    domain_put_body,
    domain_settings_body,
    module_megabytes,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.canary_options import CreateOptions
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.canary_wire import (
    ModuleWire,
    segment,
)

if TYPE_CHECKING:
    from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.client import (
        SmarterMailClient,
    )

STEP_CREATE = "create"
STEP_IMPERSONATE = "impersonate"
STEP_DKIM = "dkim"
STEP_READ = "read"
STEP_SUSPEND = "suspend"
STEP_UNSUSPEND = "unsuspend"
STEP_USAGE = "usage"
STEP_TERMINATE = "terminate"
STEP_GONE = "gone"
STEPS = (
    STEP_CREATE,
    STEP_IMPERSONATE,
    STEP_DKIM,
    STEP_READ,
    STEP_SUSPEND,
    STEP_UNSUSPEND,
    STEP_USAGE,
    STEP_TERMINATE,
    STEP_GONE,
)
SA = "settings/sysadmin/"
# Refusals (HTTP 4xx) of domain-put: nothing was created, and a name conflict means someone else's name.
_REFUSALS = (
    SmarterMailConflictError,
    SmarterMailInvalidNameError,
    SmarterMailRequestError,
    SmarterMailPermissionError,
)


class Finding:
    """A failure or a warning: the step, the sentence, the next step, and the error behind it."""

    def __init__(
        self,
        step: str,
        sentence: str,
        hint: str = "",
        error: Optional[Exception] = None,
        difference: bool = False,
    ) -> None:
        self.step = step
        self.sentence = sentence
        self.hint = hint
        self.error = error
        # True: the module's success rule and ours disagree here (reported as a difference).
        self.difference = difference


class _Stop(Exception):
    """Ends the run after a failure (the failure itself is in CanaryRun.failures)."""


class CanaryRun:
    """One canary domain put through the module's lifecycle. ``run()`` never raises but CanaryCancelled."""

    def __init__(
        self,
        client: "SmarterMailClient",
        password: str,
        name: str,
        options: CreateOptions,
        cancelled: Optional[threading.Event] = None,
    ) -> None:
        self.client = client  # our reads and the cleanup (its own login, refresh and replay)
        self.wire = ModuleWire(client, client.username, password, cancelled)
        self.cancelled = cancelled
        self.name = name
        self.options = options
        self.path = domain_path(options.domain_folder, name)
        self.hostname = "mail." + name
        self.admin = admin_username()
        self._password = admin_password()
        self.wire.hide(self._password)
        self.reads = 0  # our own read calls (the wire counts the module's)
        self.steps_done: List[str] = []
        self.failures: List[Finding] = []
        self.warnings: List[Finding] = []
        # What each module function would return: 'success' or its error.
        self.module_results: Dict[str, str] = {}
        self.facts: Dict[str, Any] = {}
        self.cancelled_at: Optional[str] = None
        self.login_failed = False
        # True: created; False: definitely not created (or not ours); None: unknown (e.g. timeout).
        self.created: Optional[bool] = False
        self.cleanup: Optional[str] = None
        self.cleanup_error: Optional[Exception] = None

    def __repr__(self) -> str:
        return "CanaryRun(name=%r, steps_done=%r)" % (self.name, self.steps_done)

    # -- results

    @property
    def round_trips(self) -> int:
        """API calls of the run (module calls and our reads; the cleanup's are not counted)."""
        return self.wire.round_trips + self.reads

    @property
    def calls(self) -> List[str]:
        """The module's calls in order, 'METHOD path status'."""
        return list(self.wire.lines)

    @property
    def failed_step(self) -> Optional[str]:
        return self.failures[0].step if self.failures else None

    @property
    def removed(self) -> Optional[bool]:
        """True: no canary domain remains; False: it could not be removed; None: nothing was created."""
        if self.cleanup in (CLEANUP_DELETED, CLEANUP_ABSENT):
            return True
        if self.cleanup == CLEANUP_LEFT_BEHIND:
            return False
        return None

    # -- plumbing

    def _begin(self, step: str) -> None:
        self.wire.step = step
        if self.cancelled is not None and self.cancelled.is_set():
            raise CanaryCancelled(step)

    def _done(self, step: str) -> None:
        self.steps_done.append(step)

    def _fail(
        self,
        step: str,
        sentence: str,
        hint: str = "",
        error: Optional[Exception] = None,
        difference: bool = False,
    ) -> None:
        """Record a failure; the run stops at the end of the module function (see _stop_if_failed)."""
        hint = hint or hint_for(error, self.client.endpoint)
        self.failures.append(Finding(step, sentence, hint, error, difference))

    def _stop(
        self,
        step: str,
        sentence: str,
        hint: str = "",
        error: Optional[Exception] = None,
        difference: bool = False,
    ) -> NoReturn:
        self._fail(step, sentence, hint, error, difference)
        raise _Stop()

    def _warn(self, step: str, sentence: str, hint: str = "", difference: bool = False) -> None:
        self.warnings.append(Finding(step, sentence, hint, None, difference))

    @property
    def differences(self) -> List[str]:
        """Where the module's success rule and ours disagree, in order."""
        return [finding.sentence for finding in self.failures + self.warnings if finding.difference]

    def _stop_if_failed(self) -> None:
        if self.failures:
            raise _Stop()

    def _read(self, step: str, function: Any, *args: Any) -> Any:
        """One of our reads through the verify client; a failure stops the run."""
        self._begin(step)
        self.reads += 1
        try:
            return function(*args)
        except SmarterMailError as error:
            self._stop(step, "reading the domain back failed: %s" % error, error=error)

    # -- the run

    def run(self) -> None:
        """Every step; always cleans up. Raises CanaryCancelled (after the cleanup) when cancelled."""
        try:
            self._lifecycle()
        except _Stop:
            pass
        except CanaryCancelled as stop:
            self.cancelled_at = stop.step
            raise
        finally:
            self._cleanup()

    def _lifecycle(self) -> None:
        self._create()
        self._stop_if_failed()
        self._read_back()
        self._stop_if_failed()
        self._suspend()
        self._stop_if_failed()
        self._unsuspend()
        self._usage()
        self._stop_if_failed()
        self._terminate()
        self._gone()

    def _login(self, step: str, function: str) -> str:
        """The SA login each module function starts with; its token."""
        self._begin(step)
        answer = self.wire.login()
        token = answer.field("accessToken") if answer.module_ok else None
        if not isinstance(token, str) or not token:
            self.login_failed = True
            self.module_results[function] = "err_server_connect"
            self._stop(
                step,
                "the module's %s starts with the sysadmin login, which %s; it would return err_server_connect"
                % (function, answer.what()),
                error=answer.error,
            )
        self.wire.hide(token)
        return str(token)

    # -- Create (module-api-calls.md 3.1)

    def domain_put_body(self) -> Dict[str, Any]:
        return domain_put_body(self.name, self.admin, self._password, self.path, self.options)

    def domain_settings_body(self) -> Dict[str, Any]:
        return domain_settings_body(self.options)

    def _create(self) -> None:
        token = self._login(STEP_CREATE, "Create")
        domain = segment(self.name)
        probe = self.wire.send(
            "GET", SA + "domain/" + domain, token=token, action="read domain %r" % self.name
        )
        if probe.status == 200:  # the module's rule: exactly 200 means "already exists"
            self.module_results["Create"] = "err_domain_exists"
            if probe.ok:
                self._stop(
                    STEP_CREATE,
                    "a domain named %s already exists (the existence probe answered 200); the canary never "
                    "touches a domain it did not create" % self.name,
                )
            self._stop(
                STEP_CREATE,
                "the existence probe (GET settings/sysadmin/domain/%s) %s; the module takes any 200 as "
                "'the domain exists', so its Create would refuse every order with err_domain_exists"
                % (self.name, probe.what()),
                "the module needs HTTP 404 (any status but 200) for a domain that does not exist: check what "
                "SmarterMail, or a proxy in front of it, answers for an unknown domain",
                difference=True,
            )
        if probe.status != 404:
            self._warn(
                STEP_CREATE,
                "the existence probe %s, not 404; the module takes any answer but 200 as 'no such domain' "
                "and creates the domain anyway" % probe.what(),
                "a failing existence probe hides a duplicate order until domain-put refuses it",
                difference=True,
            )
        self._begin(STEP_CREATE)
        self.created = None  # a timeout or reset may hide a create that went through
        put = self.wire.send(
            "POST", SA + "domain-put", self.domain_put_body(), token, "create domain %r" % self.name
        )
        if not put.module_ok:
            if isinstance(put.error, _REFUSALS):
                self.created = False
            duplicate = "NAME_IN_USE" in put.module_message()
            self.module_results["Create"] = (
                "err_domain_duplicate" if duplicate else "err_create_domain: %s" % put.module_message()
            )
            self._stop(
                STEP_CREATE,
                "domain-put %s; the module's Create would fail (%s)"
                % (put.what(), self.module_results["Create"]),
                error=put.error,
            )
        if put.disagree:
            self._fail(
                STEP_CREATE,
                "domain-put %s: the module takes the domain as created and goes on" % put.what(),
                error=put.error,
                difference=True,
            )
        else:
            self.created = True
        self._configure(token, domain)
        self._done(STEP_CREATE)
        self._impersonate_and_dkim(token, domain)

    def _configure(self, token: str, domain: str) -> None:
        """domain-settings with the product's flags; on a non-2xx answer the module deletes the domain again."""
        self._begin(STEP_CREATE)
        answer = self.wire.send(
            "POST",
            SA + "domain-settings/" + domain,
            self.domain_settings_body(),
            token,
            "configure domain %r" % self.name,
        )
        if not answer.module_ok:
            rollback = self.wire.send(
                "POST", SA + "domain-delete/%s/true" % domain, [], token, "delete domain %r" % self.name
            )
            if self.created:
                self.created = None  # the rollback may have removed it: the cleanup looks
            self.module_results["Create"] = "err_config_domain (domain deleted): %s" % answer.module_message()
            self._stop(
                STEP_CREATE,
                "domain-settings %s; the module then deletes the domain with its files (that call %s) and the "
                "order fails with err_config_domain" % (answer.what(), rollback.what()),
                settings_hint(answer.error, self.options, self.client.endpoint),
                answer.error,
            )
        if answer.disagree:
            self._fail(
                STEP_CREATE,
                "domain-settings %s: the module would report success, the domain is misconfigured (it needs "
                "EAS management %s, MAPI management %s, outgoing IP %s)"
                % (
                    answer.what(),
                    _on_off(self.options.eas_management),
                    _on_off(self.options.mapi_management),
                    _shown_ip(self.options.outgoing_ip),
                ),
                settings_hint(answer.error, self.options, self.client.endpoint),
                answer.error,
                difference=True,
            )

    def _impersonate_and_dkim(self, token: str, domain: str) -> None:
        self._begin(STEP_IMPERSONATE)
        answer = self.wire.send(
            "POST", SA + "manage-domain/" + domain, [], token, "impersonate domain %r" % self.name
        )
        admin_token = answer.field("impersonateAccessToken")
        self.module_results["Create"] = "success"  # from here on nothing fails the module's Create
        if not isinstance(admin_token, str) or not admin_token:
            got = answer.what() if not answer.ok else "gave no impersonateAccessToken"
            self._fail(
                STEP_IMPERSONATE,
                "manage-domain %s: the module's Create still reports success and skips DKIM, but its client "
                "area, usage metrics and invoice hook all impersonate the domain this way" % got,
                hint_for(answer.error, self.client.endpoint, impersonation=True),
                answer.error,
                difference=True,
            )
            return
        self.wire.hide(admin_token)
        self._done(STEP_IMPERSONATE)
        self._dkim(admin_token)
        self._done(STEP_DKIM)

    def _dkim(self, token: str) -> None:
        """DKIM as Create turns it on; the module ignores every answer here, so problems only warn."""
        self._begin(STEP_DKIM)
        enabled = self.wire.send("POST", "settings/domain/dkim-enable/false", [], token, "enable DKIM")
        if not enabled.ok:
            self._warn(
                STEP_DKIM,
                "dkim-enable/false %s (the module ignores the answer)" % enabled.what(),
                difference=True,
            )
        read = self.wire.send(
            "GET", "settings/domain/domain", token=token, action="read the domain's settings"
        )
        found = dkim_key(read.payload) if read.module_ok else None
        if not read.ok:
            self._warn(
                STEP_DKIM,
                "GET settings/domain/domain %s; the module takes that as 'no DKIM key' and asks for one"
                % read.what(),
                difference=True,
            )
        if found:
            self.facts["dkim"] = found
            return
        rollover = self.wire.send(
            "POST",
            "settings/domain/dkim-create-rollover/%d" % DKIM_KEY_BITS,
            [],
            token,
            "create a DKIM key",
        )
        if rollover.ok and rollover.field("publicKey") and rollover.field("selector"):
            self.facts["dkim"] = "key made by dkim-create-rollover"
            return
        self.facts["dkim"] = "none"
        self._warn(
            STEP_DKIM,
            "the domain has no DKIM key: dkim-create-rollover/%d %s (the module only logs it; Create still succeeds)"
            % (DKIM_KEY_BITS, rollover.what()),
            "the domain will send unsigned mail until a DKIM key is made (client area DKIM button, or SmarterMail)",
            difference=True,
        )

    # -- our read-back of what Create made

    def _read_back(self) -> None:
        data = self._read(STEP_READ, self.client.get_domain, self.name)
        if data is None:
            self._stop(STEP_READ, "the domain is not there after the module's Create reported success")
        self._check_admin(data)
        for field, expected in (("hostname", self.hostname), ("path", self.path)):
            found = data.get(field)
            if isinstance(found, str) and found.lower() != expected.lower():
                self._warn(
                    STEP_READ, "domainData.%s is %r, not the %r domain-put sent" % (field, found, expected)
                )
        limit = data.get("userLimit")
        if isinstance(limit, int) and not isinstance(limit, bool) and limit != self.options.user_limit:
            self._fail(
                STEP_READ,
                "domainData.userLimit is %d, not the %d domain-put sent (option 7): the product's mailbox limit "
                "would not hold" % (limit, self.options.user_limit),
                difference=True,
            )
        settings = self._read(STEP_READ, self.client.get_domain_settings, self.name)
        sent = self.domain_settings_body()["domainSettings"]
        wrong = [
            "%s is %r, not %r" % (key, settings[key], value)
            for key, value in sent.items()
            if key in settings and not _same(settings[key], value)
        ]
        if wrong:
            self._fail(
                STEP_READ,
                "domain-settings was accepted but the domain shows %s: the module's Create would report "
                "success with these settings not applied" % "; ".join(wrong),
                settings_hint(None, self.options, self.client.endpoint),
                difference=True,
            )
        self._done(STEP_READ)

    def _check_admin(self, data: Mapping[str, Any]) -> None:
        """The domain's primary admin must be the canary's random account (the module's hidden admin)."""
        main_admin = data.get("mainDomainAdmin")
        if isinstance(main_admin, str) and main_admin:
            if local_part(main_admin) != self.admin:
                self._stop(
                    STEP_READ,
                    "the domain's primary admin is %r, not the account given to domain-put" % main_admin,
                )
            return
        users = self._read(STEP_READ, self.client.list_domain_users, self.name)  # field absent on this build
        if not any(is_primary_admin(user, self.admin) for user in users):
            self._stop(STEP_READ, "the admin account given to domain-put is not a domain admin of it")

    # -- Suspend, Unsuspend, UsageUpdate, Terminate (module-api-calls.md 3.2, 3.3, 3.5)

    def _set_enabled(self, step: str, function: str, enabled: bool) -> None:
        token = self._login(step, function)
        answer = self.wire.send(
            "POST",
            SA + "domain-settings/" + segment(self.name),
            {"domainSettings": {"isEnabled": enabled}},
            token,
            "%s domain %r" % (step, self.name),
        )
        word = "suspending" if step == STEP_SUSPEND else "unsuspending"
        if not answer.module_ok:
            self.module_results[function] = "Error %s account: %s" % (word, answer.module_message())
            self._stop(
                step,
                "domain-settings isEnabled %s %s; the module's %s would fail (%s)"
                % (_json_bool(enabled), answer.what(), function, self.module_results[function]),
                error=answer.error,
            )
        self.module_results[function] = "success"
        if answer.disagree:
            self._fail(
                step,
                "domain-settings isEnabled %s %s: the module would report the service %s, the domain is not"
                % (_json_bool(enabled), answer.what(), "suspended" if not enabled else "unsuspended"),
                error=answer.error,
                difference=True,
            )

    def _suspend(self) -> None:
        self._set_enabled(STEP_SUSPEND, "Suspend", False)
        data = self._read(STEP_SUSPEND, self.client.get_domain, self.name)
        if data is None or data.get("isEnabled") is not False:
            self._stop(
                STEP_SUSPEND,
                "the domain shows isEnabled=%r after the module's Suspend: suspending a service would not block it"
                % ((data or {}).get("isEnabled"),),
            )
        self._done(STEP_SUSPEND)

    def _unsuspend(self) -> None:
        self._set_enabled(STEP_UNSUSPEND, "Unsuspend", True)
        self._done(STEP_UNSUSPEND)

    def _usage(self) -> None:
        token = self._login(STEP_USAGE, "UsageUpdate")
        answer = self.wire.send(
            "GET", SA + "domain/" + segment(self.name), token=token, action="read domain %r" % self.name
        )
        data = answer.field("domainData") if answer.ok else None
        if not isinstance(data, dict):
            self.module_results["UsageUpdate"] = "diskusage 0 MB"
            self._stop(
                STEP_USAGE,
                "the usage read (GET settings/sysadmin/domain/%s) %s; the module would record 0 MB"
                % (self.name, answer.what()),
                error=answer.error,
                difference=True,
            )
        if data.get("isEnabled") is not True:
            self._fail(
                STEP_UNSUSPEND,
                "the domain shows isEnabled=%r after the module's Unsuspend: the customer would stay blocked"
                % (data.get("isEnabled"),),
                difference=True,
            )
        self._record_usage(data)
        self._done(STEP_USAGE)

    def _record_usage(self, data: Mapping[str, Any]) -> None:
        usage = data.get("diskUsage")
        self.module_results["UsageUpdate"] = "diskusage %s MB" % module_megabytes(
            usage if _is_number(usage) else 0
        )
        if _is_number(usage):
            self.facts["disk_usage_bytes"] = usage
            return
        size = data.get("size")
        if _is_number(size):
            self.facts["disk_usage_bytes"] = size
            self._warn(
                STEP_USAGE,
                "domainData has no diskUsage field (size=%r is there): the module's UsageUpdate reads diskUsage "
                "and would record 0 MB" % (size,),
                difference=True,
            )
            return
        self._warn(
            STEP_USAGE,
            "domainData has neither diskUsage nor size: the module's UsageUpdate would record 0 MB",
            difference=True,
        )

    def _terminate(self) -> None:
        token = self._login(STEP_TERMINATE, "Terminate")
        flag = "true" if self.options.delete_data else "false"
        answer = self.wire.send(
            "POST",
            SA + "domain-delete/%s/%s" % (segment(self.name), flag),
            [],
            token,
            "delete domain %r" % self.name,
        )
        if not answer.module_ok:
            self.module_results["Terminate"] = "Error terminating account: %s" % answer.module_message()
            self._stop(
                STEP_TERMINATE,
                "domain-delete/%s %s; the module's Terminate would fail (%s)"
                % (flag, answer.what(), self.module_results["Terminate"]),
                error=answer.error,
            )
        self.module_results["Terminate"] = "success"
        if answer.disagree:
            self._stop(
                STEP_TERMINATE,
                "domain-delete/%s %s: the module would report the service terminated, the domain stays"
                % (flag, answer.what()),
                error=answer.error,
                difference=True,
            )
        if not self.options.delete_data:
            self.facts["files_kept"] = self.path
        self._done(STEP_TERMINATE)

    def _gone(self) -> None:
        if self._read(STEP_GONE, self.client.get_domain, self.name) is not None:
            self._stop(STEP_GONE, "the domain still exists after the module's Terminate answered success")
        self.created = False
        self.cleanup = CLEANUP_DELETED
        self._done(STEP_GONE)

    # -- cleanup

    def _cleanup(self) -> None:
        """Remove the canary if it (maybe) exists, with its files; runs even when cancelled. Never raises."""
        if self.cleanup is not None:
            return  # Terminate deleted it and the canary saw it gone
        self.cleanup, self.cleanup_error = remove_canary(self.client, self.name, self.admin, self.created)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _same(found: Any, sent: Any) -> bool:
    """A setting read back equals what was sent (an empty text may come back as null)."""
    if isinstance(sent, str):
        return (found or "") == sent
    return found is sent if isinstance(sent, bool) else found == sent


def _on_off(flag: bool) -> str:
    return "on" if flag else "off"


def _json_bool(flag: bool) -> str:
    return "true" if flag else "false"


def _shown_ip(address: str) -> str:
    return repr(address) if address else "'' (the server's default)"
