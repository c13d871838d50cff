# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One test order of ``verify --order``: a product ordered, provisioned and removed the way WHMCS does it.

Every WHMCS step is WHMCS's own localAPI, run by the host's PHP (whmcs/local_api_script.py);
SmarterMail is read with the target's system administrator. Steps (ids in details.steps_done):

  add-client      AddClient: a test client "smartermail-whmcs verify", <domain label>@example.invalid
  add-order       AddOrder: the product with domain[] = a unique .test name, monthly, no invoice, no email
  accept-order    AcceptOrder with autosetup on this target's server: the module's Create runs in WHMCS
  service-active  the service is Active with a username and password (the module's hidden admin)
  domain          SmarterMail has the domain, and its primary admin is that username
  hidden-admin    <username>@<domain> logs in with the decrypted tblhosting.password
  client-area     CreateSsoToken for the service's page, its redirect_url opened as a browser
                  does: the module's page renders (order_client_area.py, one of SERVICE_PROBES)
  terminate       ModuleTerminate: the module's Terminate
  domain-gone     SmarterMail no longer has the domain

Cleanup runs whatever happened (a failed step, a cancel, an error): ModuleTerminate when the
service is still Active or Suspended, then PendingOrder, CancelOrder, DeleteOrder and DeleteClient
(whmcs-runtime.md (f) "Cleanup order"); a domain still on SmarterMail is deleted through its API
(the name is unique to this run, so it can only be ours); finally the WHMCS rows and the domain are
looked up again and whatever is left is reported.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import secrets
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Tuple

from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.errors import (
    SmarterMailAuthError,
    SmarterMailError,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.order_client_area import (
    STEP_CLIENT_AREA,
    probe_client_area,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.order_step import StepFailed
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.local_api_script import (
    LocalApiAnswer,
    LocalApiPhpError,
)

if TYPE_CHECKING:  # passed in; importing it here would load the HTTP stack for nothing
    from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.client import (
        SmarterMailClient,
    )
    from ansible_collections.astral360.smartermail.plugins.module_utils.verify.client_area_page import (
        ClientAreaPage,
    )

TEST_EMAIL_DOMAIN = "example.invalid"  # RFC 2606: can never receive mail
PAYMENT_CYCLE = "monthly"
TEST_CLIENT = {
    "firstname": "smartermail-whmcs",
    "lastname": "verify",
    "companyname": "Test order of smartermail-whmcs verify --order (removed by the run)",
    "address1": "1 Test Street",
    "city": "Testville",
    "state": "Test State",
    "postcode": "00000",
    "country": "US",
    "phonenumber": "5550100",
}
ACTIVE_STATUSES = ("Active", "Suspended")

STEP_ADD_CLIENT = "add-client"
STEP_ADD_ORDER = "add-order"
STEP_ACCEPT = "accept-order"
STEP_SERVICE = "service-active"
STEP_DOMAIN = "domain"
STEP_HIDDEN_ADMIN = "hidden-admin"
STEP_TERMINATE = "terminate"
STEP_DOMAIN_GONE = "domain-gone"

PHP_HINT = (
    "WHMCS's own PHP failed before it answered: run the same as the web user to see why, e.g. "
    "sudo -u %s %s -r \"require '%s/init.php'; var_dump(localAPI('WhmcsDetails', []));\""
)
CREATE_HINT = (
    "a customer's order for this product fails the same way: the module's message names the cause; "
    "WHMCS's module log (System Logs > Module Log, with module debug logging on) shows each call it made"
)


class OrderCancelled(Exception):
    """The run was cancelled (Ctrl-C / SIGTERM) before ``step``."""

    def __init__(self, step: str) -> None:
        super(OrderCancelled, self).__init__("cancelled before the %s step" % step)
        self.step = step


@dataclass
class OrderEnvironment:
    """What a test order needs from the target: WHMCS (localAPI and read-only rows) and SmarterMail."""

    whmcs_root: str
    php_binary: str
    php_user: str  # the account php runs as (web_php_user)
    call: Callable[[str, Dict[str, Any]], LocalApiAnswer]  # localAPI through the host's PHP
    read_service: Callable[[int], Optional[Dict[str, Any]]]  # the tblhosting row, read only
    leftovers: Callable[[Optional[int], Optional[int], Optional[int], str], List[str]]
    decrypt: Callable[[str], str]  # WHMCS's decrypt() of a stored password
    smartermail: "SmarterMailClient"  # the target's system administrator
    hidden_admin_login: Callable[[str, str], None]  # log in as (login name, password); raises
    server_id: int
    payment_method: str
    cancelled: threading.Event
    # The client area (order_client_area.py): GET a URL as a browser does (redirects, cookies);
    # raises ClientAreaUnreachable. And WHMCS's SystemURL setting, read from its database.
    open_page: Callable[[str], "ClientAreaPage"]
    system_url: Callable[[], str]


@dataclass(frozen=True)
class ProductToOrder:
    id: int
    name: str
    currency_id: Optional[int]  # a currency the product has a monthly price in (the client's)

    @property
    def label(self) -> str:
        return "%r (id %d)" % (self.name, self.id)


# Extension point: checks of a provisioned service that run after the hidden admin logged in and
# before ModuleTerminate, as (step id, probe). A probe gets the run and the service's tblhosting
# row and raises StepFailed. order_client_area.py adds ("client-area", <the service's page renders>).
ServiceProbe = Callable[["OrderRun", Dict[str, Any]], None]
SERVICE_PROBES: List[Tuple[str, ServiceProbe]] = [(STEP_CLIENT_AREA, probe_client_area)]


@dataclass
class ProductOrder:
    """What happened to one product's test order (details of the order check)."""

    product: ProductToOrder
    domain: str
    email: str
    client_id: Optional[int] = None
    order_id: Optional[int] = None
    service_id: Optional[int] = None
    username: str = ""
    steps_done: List[str] = field(default_factory=list)
    failure: Optional[StepFailed] = None
    cancelled_before: Optional[str] = None
    cleanup_steps: List[str] = field(default_factory=list)
    cleanup_problems: List[str] = field(default_factory=list)
    domain_removed_by_verify: bool = False
    left_behind: List[str] = field(default_factory=list)
    php_user: str = ""

    def as_details(self) -> Dict[str, Any]:
        return {
            "product_id": self.product.id,
            "product": self.product.name,
            "domain": self.domain,
            "client_email": self.email,
            "client_id": self.client_id,
            "order_id": self.order_id,
            "service_id": self.service_id,
            "hidden_admin": self.username,
            "steps_done": list(self.steps_done),
            "failed_step": self.failure.step if self.failure else None,
            "cancelled_before": self.cancelled_before,
            "cleanup_steps": list(self.cleanup_steps),
            "cleanup_problems": list(self.cleanup_problems),
            "domain_removed_by_verify": self.domain_removed_by_verify,
            "left_behind": list(self.left_behind),
            "php_user": self.php_user,
        }


def test_email(domain: str) -> str:
    """The test client's address: the domain's first label at example.invalid (unique per run)."""
    return "%s@%s" % (domain.split(".", 1)[0], TEST_EMAIL_DOMAIN)


def _id(step: str, action: str, answer: Dict[str, Any], key: str) -> int:
    """A positive id from a localAPI answer; StepFailed when WHMCS answered without it."""
    try:
        value = int(str(answer.get(key)))
    except ValueError:
        value = 0
    if value <= 0:
        raise StepFailed(step, "%s answered success without a %s" % (action, key))
    return value


class OrderRun:
    """Order one product, check what the module made, remove everything (see the module docstring)."""

    def __init__(self, env: OrderEnvironment, product: ProductToOrder, domain: str) -> None:
        self.env = env
        self.record = ProductOrder(product, domain, test_email(domain))

    def run(self) -> ProductOrder:
        try:
            self._steps()
        except StepFailed as failure:
            self.record.failure = failure
        except OrderCancelled as stop:
            self.record.cancelled_before = stop.step
        finally:
            self._cleanup()
        return self.record

    # ----- the steps ------------------------------------------------------------------------

    def _steps(self) -> None:
        record, env = self.record, self.env
        self._stop(STEP_ADD_CLIENT)
        client: Dict[str, Any] = dict(TEST_CLIENT, email=record.email, password2=secrets.token_urlsafe(18))
        client.update(noemail=True, skipvalidation=True)
        if record.product.currency_id:
            client["currency"] = record.product.currency_id
        record.client_id = _id(
            STEP_ADD_CLIENT, "AddClient", self._call(STEP_ADD_CLIENT, "AddClient", client), "clientid"
        )
        self._stop(STEP_ADD_ORDER)
        ordered = self._call(
            STEP_ADD_ORDER,
            "AddOrder",
            {
                "clientid": record.client_id,
                "paymentmethod": env.payment_method,
                "pid": [record.product.id],
                "domain": [record.domain],
                "billingcycle": [PAYMENT_CYCLE],
                "noinvoice": True,
                "noinvoiceemail": True,
                "noemail": True,
            },
        )
        record.order_id = _id(STEP_ADD_ORDER, "AddOrder", ordered, "orderid")
        # serviceids is a comma-separated string ("12" or "12,13"): one product, one service
        first_service = str(ordered.get("serviceids") or "").split(",", 1)[0]
        record.service_id = _id(STEP_ADD_ORDER, "AddOrder", {"serviceids": first_service}, "serviceids")
        self._stop(STEP_ACCEPT)
        self._call(
            STEP_ACCEPT,
            "AcceptOrder",
            {"orderid": record.order_id, "serverid": env.server_id, "autosetup": True, "sendemail": False},
            failure="AcceptOrder: the module's Create failed: %s",
            hint=CREATE_HINT,
        )
        service = self._active_service(record.service_id)
        password = self._stored_password(service)
        self._domain_on_smartermail()
        self._hidden_admin(password)
        for step, probe in SERVICE_PROBES:
            self._stop(step)
            probe(self, service)
            self._done(step)
        self._stop(STEP_TERMINATE)
        self._call(
            STEP_TERMINATE,
            "ModuleTerminate",
            {"serviceid": record.service_id},
            failure="ModuleTerminate: the module's Terminate failed: %s",
            hint="a cancelled customer's mail domain would stay on SmarterMail the same way; the module's "
            "message names the cause",
        )
        self._domain_gone()

    def _active_service(self, service_id: int) -> Dict[str, Any]:
        record = self.record
        try:
            service = self.env.read_service(service_id)
        except Exception as error:  # the database: a failed step, and the cleanup still runs
            raise StepFailed(
                STEP_SERVICE,
                "reading service %d from the WHMCS database failed: %s" % (service_id, error),
            ) from None
        if service is None:
            raise StepFailed(
                STEP_SERVICE, "service %d is gone from tblhosting after AcceptOrder" % service_id
            )
        status = str(service.get("domainstatus") or "")
        if status != "Active":
            raise StepFailed(
                STEP_SERVICE,
                "AcceptOrder answered success but service %d is %s, not Active" % (service_id, status or "?"),
                CREATE_HINT,
            )
        record.username = str(service.get("username") or "").strip()
        if not record.username or not service.get("password"):
            raise StepFailed(
                STEP_SERVICE,
                "after the module's Create, service %d has no %s: the module's client area logs in to "
                "SmarterMail with them (its hidden admin)"
                % (service_id, "username" if not record.username else "password"),
                CREATE_HINT,
            )
        self._done(STEP_SERVICE)
        return service

    def _stored_password(self, service: Dict[str, Any]) -> str:
        try:
            return self.env.decrypt(str(service["password"]))
        except Exception as error:  # WhmcsCryptoError: the sentence says why
            raise StepFailed(
                STEP_SERVICE,
                "the password WHMCS stored for service %d does not decrypt with this tree's cc_encryption_hash: %s"
                % (self.record.service_id or 0, error),
            ) from None

    def _domain_on_smartermail(self) -> None:
        record = self.record
        endpoint = self.env.smartermail.endpoint
        try:
            data = self.env.smartermail.get_domain(record.domain)
        except SmarterMailError as error:
            raise StepFailed(
                STEP_DOMAIN,
                "reading domain %s from SmarterMail at %s failed: %s" % (record.domain, endpoint, error),
            ) from None
        if data is None:
            raise StepFailed(
                STEP_DOMAIN,
                "the module's Create answered success but SmarterMail at %s has no domain %s"
                % (endpoint, record.domain),
                "check that the WHMCS server the product provisions on (tblservers) is this SmarterMail server",
            )
        admin = data.get("mainDomainAdmin")
        if isinstance(admin, str) and admin and admin.split("@")[0].lower() != record.username.lower():
            raise StepFailed(
                STEP_DOMAIN,
                "the primary admin of %s on SmarterMail is %r, not the service's username %r (tblhosting.username): "
                "the module's client area logs in with the username WHMCS stores"
                % (record.domain, admin, record.username),
                CREATE_HINT,
            )
        self._done(STEP_DOMAIN)

    def _hidden_admin(self, password: str) -> None:
        record = self.record
        login = "%s@%s" % (record.username, record.domain)
        try:
            self.env.hidden_admin_login(login, password)
        except SmarterMailAuthError as error:
            raise StepFailed(
                STEP_HIDDEN_ADMIN,
                "the hidden admin %s cannot log in to SmarterMail with the password WHMCS stored "
                "(tblhosting.password, decrypted): %s" % (login, error),
                "the module's client area logs in this way: the module stored a login SmarterMail does not know",
            ) from None
        except SmarterMailError as error:
            raise StepFailed(
                STEP_HIDDEN_ADMIN, "logging in as the hidden admin %s failed: %s" % (login, error)
            ) from None
        self._done(STEP_HIDDEN_ADMIN)

    def _domain_gone(self) -> None:
        record = self.record
        try:
            still_there = self.env.smartermail.get_domain(record.domain) is not None
        except SmarterMailError as error:
            raise StepFailed(
                STEP_DOMAIN_GONE,
                "reading domain %s from SmarterMail after ModuleTerminate failed: %s"
                % (record.domain, error),
            ) from None
        if still_there:
            raise StepFailed(
                STEP_DOMAIN_GONE,
                "ModuleTerminate answered success but SmarterMail still has %s" % record.domain,
                "the module's Terminate did not delete the domain: a cancelled customer's mail would stay",
            )
        self._done(STEP_DOMAIN_GONE)

    # ----- helpers ----------------------------------------------------------------------------

    def _stop(self, step: str) -> None:
        if self.env.cancelled.is_set():
            raise OrderCancelled(step)

    def _done(self, step: str) -> None:
        self.record.steps_done.append(step)

    def _answer(self, action: str, params: Dict[str, Any]) -> LocalApiAnswer:
        answer = self.env.call(action, params)
        self.record.php_user = answer.php_user
        return answer

    def _call(
        self, step: str, action: str, params: Dict[str, Any], failure: str = "", hint: str = ""
    ) -> Dict[str, Any]:
        """One localAPI call that is a whole step: its answer (the step done), or StepFailed."""
        answer = self.api(step, action, params, failure, hint)
        self._done(step)
        return answer

    def api(
        self, step: str, action: str, params: Dict[str, Any], failure: str = "", hint: str = ""
    ) -> Dict[str, Any]:
        """One localAPI call within ``step`` (a probe's too): its answer, or StepFailed with WHMCS's message."""
        try:
            answer = self._answer(action, params)
        except LocalApiPhpError as error:
            raise StepFailed(
                step,
                "%s: %s" % (action, error),
                PHP_HINT % (self.env.php_user, self.env.php_binary, self.env.whmcs_root),
            ) from None
        if not answer.ok:
            message = answer.message or "an error without a message"
            raise StepFailed(step, (failure or (action + ": %s")) % message, hint)
        return answer.answer

    # ----- cleanup ----------------------------------------------------------------------------

    def _cleanup_call(self, action: str, params: Dict[str, Any]) -> bool:
        """A cleanup call: True when WHMCS answered success; problems are recorded, never raised."""
        try:
            answer = self._answer(action, params)
        except LocalApiPhpError as error:
            self.record.cleanup_problems.append("%s: %s" % (action, error))
            return False
        if not answer.ok:
            self.record.cleanup_problems.append("%s: %s" % (action, answer.message or "error"))
            return False
        self.record.cleanup_steps.append(action)
        return True

    def _cleanup(self) -> None:
        record = self.record
        if record.service_id is not None:
            self._terminate_if_active(record.service_id)
        if record.order_id is not None:
            # WHMCS deletes only a Cancelled or Fraud order, and cancels only a Pending one.
            for action, extra in (
                ("PendingOrder", {}),
                ("CancelOrder", {"cancelsub": False, "noemail": True}),
                ("DeleteOrder", {}),
            ):
                params = dict(extra, orderid=record.order_id)
                if not self._cleanup_call(action, params):
                    break
        if record.client_id is not None:
            # "Removes client record and all associated data": whatever the order removal left too.
            self._cleanup_call(
                "DeleteClient",
                {"clientid": record.client_id, "deleteusers": True, "deletetransactions": True},
            )
        self._remove_domain()
        try:
            left = self.env.leftovers(record.client_id, record.order_id, record.service_id, record.email)
        except Exception as error:  # the database: said, not raised
            left = ["unknown (the WHMCS database could not be read afterwards: %s)" % error]
        record.left_behind.extend(left)

    def _terminate_if_active(self, service_id: int) -> None:
        record = self.record
        if STEP_TERMINATE in record.steps_done:
            return
        try:
            service = self.env.read_service(service_id)
        except Exception as error:
            self.record.cleanup_problems.append("reading service %d: %s" % (service_id, error))
            return
        if service is not None and str(service.get("domainstatus") or "") in ACTIVE_STATUSES:
            self._cleanup_call("ModuleTerminate", {"serviceid": service_id})

    def _remove_domain(self) -> None:
        """A domain the module left on SmarterMail (a failed Terminate, a half-done Create) is deleted."""
        record = self.record
        smartermail = self.env.smartermail
        try:
            if smartermail.get_domain(record.domain) is None:
                return
            smartermail.delete_domain(record.domain, True)
            record.domain_removed_by_verify = True
            if smartermail.get_domain(record.domain) is not None:
                record.left_behind.append("domain %s on SmarterMail" % record.domain)
        except SmarterMailError as error:
            record.cleanup_problems.append("deleting domain %s on SmarterMail: %s" % (record.domain, error))
            record.left_behind.append("domain %s on SmarterMail (it could not be deleted)" % record.domain)
