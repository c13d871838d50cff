"""The sandbox's client area from Python: a host's URLs, a single sign-on link, a service page
fetched the way a browser gets it (redirects followed, cookies kept).

The web server and the PHP behind these pages: sandbox/web.py and the stand-in's
lib/Sandbox/ClientArea (docs/sandbox.md, "Client area").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import httpx

from smartermail_whmcs.errors import StageError
from smartermail_whmcs.sandbox.local_api import LocalApiError, call_local_api
from smartermail_whmcs.sandbox.state import HostRecord

ERROR_PAGE = "Something went wrong and we couldn't process your request."
_PHP_ERROR = re.compile(r"(Fatal error|Parse error|Warning|Notice|Deprecated)</b>:|PHP (Fatal|Parse) error")


@dataclass(frozen=True)
class ServicePage:
    url: str  # where the redirects ended
    status: int
    html: str


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
        with httpx.Client(follow_redirects=True, timeout=60.0) as browser:
            response = browser.get(url)
    except httpx.HTTPError as error:
        raise StageError(f"the client area at {url} did not answer: {error}") from error
    return ServicePage(str(response.url), response.status_code, response.text)


def module_page_problem(page: ServicePage, domain: str) -> str:
    """'' when the module's page rendered for ``domain``; else what was seen instead."""
    if page.status != 200:
        seen = "WHMCS's error page" if ERROR_PAGE in page.html else page.html[:200].strip()
        return f"HTTP {page.status} at {page.url}: {seen}"
    if _PHP_ERROR.search(page.html):
        return f"PHP error text on {page.url}"
    if "rp=/login" in page.url:
        return f"the login page ({page.url}) instead of the service"
    if domain not in page.html:
        return f"{page.url} does not show {domain}"
    return ""
