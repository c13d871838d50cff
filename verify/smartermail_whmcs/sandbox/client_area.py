"""The sandbox's client area from Python: a host's URLs, a single sign-on link, a service page
fetched the way a browser gets it (redirects followed, cookies kept), and whether the module's
page rendered: the rules verify's ``client-area`` step uses too (module_utils/verify/client_area_page.py).

The web server and the PHP behind these pages: sandbox/web.py and the stand-in's
lib/Sandbox/ClientArea (docs/sandbox.md, "Client area").
"""

from __future__ import annotations

from pathlib import Path

from ansible_collections.astral360.smartermail.plugins.module_utils.verify.client_area_page import (
    ClientAreaPage as ServicePage,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.client_area_page import (
    ClientAreaUnreachable,
    fetch_page,
    page_problem,
)

from smartermail_whmcs.errors import StageError
from smartermail_whmcs.sandbox.local_api import LocalApiError, call_local_api
from smartermail_whmcs.sandbox.state import HostRecord


def login_url(host: HostRecord) -> str:
    return f"{host.client_area_url}index.php?rp=/login"


def product_details_url(host: HostRecord, service_id: int) -> str:
    return f"{host.client_area_url}clientarea.php?action=productdetails&id={service_id}"


def sso_link(host: HostRecord, client_id: int, service_id: int) -> str:
    """CreateSsoToken for the service's page (single use, valid 60 s): its redirect_url."""
    try:
        answer = call_local_api(
            Path(host.whmcs_root),
            "CreateSsoToken",
            {"client_id": client_id, "destination": "clientarea:product_details", "service_id": service_id},
        )
    except LocalApiError as error:
        raise StageError(f"{host.name}: CreateSsoToken: {error.api_message}") from error
    return str(answer["redirect_url"])


def open_page(url: str) -> ServicePage:
    """GET ``url`` following redirects with a cookie jar (an SSO link logs in, then lands)."""
    try:
        return fetch_page(url, timeout=60.0)
    except ClientAreaUnreachable as error:
        raise StageError(f"the client area at {url} did not answer: {error}") from error


def module_page_problem(page: ServicePage, domain: str) -> str:
    """'' when the module's page rendered for ``domain``; else what was seen instead (verify's rules)."""
    return page_problem(page, domain)
