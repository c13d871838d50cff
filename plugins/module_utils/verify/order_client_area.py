# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``client-area`` step of ``verify --order``: the test service's page in WHMCS's client area renders.

After the module's Create is checked and before ModuleTerminate (order_run.SERVICE_PROBES):

1. WHMCS's ``CreateSsoToken`` through the same localAPI runner as the other steps (client_id = the
   test client, destination ``clientarea:product_details``, service_id = the test service). WHMCS
   answers a ``redirect_url`` under its SystemURL (``<SystemURL>oauth/singlesignon.php?access_token=``,
   single use, valid 60 s; whmcs-runtime.md (d), developers.whmcs.com api-reference/createssotoken).
2. That URL fetched from this host (verify runs on the WHMCS host) as a browser follows it: redirects
   followed with a cookie jar; the timeout is the localAPI call's (the page runs the module's
   ClientArea, several SmarterMail calls of up to the target's ``timeout`` each).
3. The page judged by client_area_page.page_problem (the rules the sandbox and demo use).

The access token never appears in a message: until it is used, it logs in as the test client.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from typing import TYPE_CHECKING, Any, Dict
from urllib.parse import urlsplit

from ansible_collections.astral360.smartermail.plugins.module_utils.verify.client_area_page import (
    ClientAreaUnreachable,
    page_problem,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.order_step import StepFailed

if TYPE_CHECKING:  # the run passes itself in; importing it at run time would be circular
    from ansible_collections.astral360.smartermail.plugins.module_utils.verify.order_run import OrderRun

STEP_CLIENT_AREA = "client-area"
DESTINATION = "clientarea:product_details"

SSO_HINT = (
    "verify opens the client area through WHMCS's single sign-on (CreateSsoToken, WHMCS 7.10 or later); "
    "WHMCS's message names the cause"
)
UNREACHABLE_HINT = (
    "verify fetches the page from this host: WHMCS's SystemURL (%s) must answer here as it does for "
    "customers; check the SystemURL setting (System Settings > General Settings > General, WHMCS System "
    "URL), the web server, and this host's name resolution and trust store for that address"
)
PAGE_HINT = (
    "a customer opening this service sees the same page: check the module's templates "
    "(modules/servers/smartermail/templates/), WHMCS's module log (System Logs > Module Log, with module "
    "debug logging on) and the web server's PHP error log"
)
ELSEWHERE_HINT = (
    "the single sign-on link ended at %s, not under WHMCS's SystemURL %s: set the SystemURL (System "
    "Settings > General Settings > General, WHMCS System URL) to the address the client area is served at"
)
_TOKEN = re.compile(r"(access_token=)[^&#\s]+")


def hide_token(url: str) -> str:
    return _TOKEN.sub(r"\1<token>", url)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return "%s://%s" % (parts.scheme.lower(), parts.netloc.lower())


def _system_url(run: "OrderRun") -> str:
    try:
        return str(run.env.system_url() or "")
    except Exception:  # the database: the hint then says "(not set)"
        return ""


def _page_hint(final_url: str, system_url: str) -> str:
    if system_url and _origin(final_url) != _origin(system_url):
        return "%s; %s" % (ELSEWHERE_HINT % (hide_token(final_url), system_url), PAGE_HINT)
    return PAGE_HINT


def probe_client_area(run: "OrderRun", service: Dict[str, Any]) -> None:
    """The test service's page renders through WHMCS's single sign-on; StepFailed naming what was seen."""
    record = run.record
    answer = run.api(
        STEP_CLIENT_AREA,
        "CreateSsoToken",
        {"client_id": record.client_id, "destination": DESTINATION, "service_id": record.service_id},
        failure="CreateSsoToken for the test service's page: %s",
        hint=SSO_HINT,
    )
    system_url = _system_url(run)
    link = str(answer.get("redirect_url") or "")
    if urlsplit(link).scheme.lower() not in ("http", "https"):
        raise StepFailed(
            STEP_CLIENT_AREA,
            "CreateSsoToken answered success without a usable redirect_url (%r)" % hide_token(link),
            "WHMCS builds the link from its SystemURL (%s): set it (System Settings > General Settings > "
            "General, WHMCS System URL)" % (system_url or "not set"),
        )
    try:
        page = run.env.open_page(link)
    except ClientAreaUnreachable as error:
        raise StepFailed(
            STEP_CLIENT_AREA,
            "the client area did not answer at %s: %s" % (hide_token(link), hide_token(str(error))),
            UNREACHABLE_HINT % (system_url or "not set"),
        ) from None
    problem = page_problem(page, record.domain)
    if problem:
        raise StepFailed(
            STEP_CLIENT_AREA,
            "the client area does not show the module's page for %s: %s"
            % (record.domain, hide_token(problem)),
            _page_hint(page.url, system_url),
        )
