# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A service's client-area page as a browser gets it, and whether the module's page rendered.

One copy of the rules, used by ``verify --order`` (its ``client-area`` step, on a real WHMCS) and by
the sandbox and demo (smartermail_whmcs/sandbox/client_area.py). ``fetch_page`` follows redirects
with a cookie jar, as a browser following a CreateSsoToken ``redirect_url`` does (it logs in, then
lands on the product details page). ``page_problem`` says what was seen instead of the module's page:

- a status other than 200;
- PHP error text ("Fatal error:", "Parse error:", a "Warning:" / "Notice:" / "Deprecated:" in PHP's
  own shape: "... on line N");
- WHMCS's error page (its error/internal-error.tpl: title "Oops!", "Something went wrong and we
  couldn't process your request.");
- the module's error template (both the SmarterMail module's templates/error.tpl and the fixture
  module's are a Bootstrap ``alert alert-danger`` block; WHMCS's product details page shows one
  only when something failed);
- the login page (the single sign-on did not log in);
- a page without the service's domain.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import ssl
from dataclasses import dataclass
from html import unescape
from typing import Optional

try:
    import httpx

    HAS_HTTPX = True
except ImportError:  # pragma: no cover - exercised only without httpx
    httpx = None  # type: ignore[assignment]
    HAS_HTTPX = False

ERROR_PAGE_TEXT = "Something went wrong and we couldn't process your request."
ERROR_PAGE_TITLE = "Oops!"
SHOWN_CHARS = 200  # how much of an error text a message quotes

_TAG = re.compile(r"<[^>]*>")
_HIDDEN = re.compile(r"<(script|style|head)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_SPACE = re.compile(r"\s+")
# On visible text, where PHP's "<b>Warning</b>:" became "Warning :".
_PHP_FATAL = re.compile(r"\b(?:PHP )?(?:Fatal error|Parse error) ?:")
_PHP_SOFT = re.compile(r"\b(?:PHP )?(?:Warning|Notice|Deprecated) ?:\s.{1,500}? on line \d+")
_LABEL_SPACE = re.compile(r" :(?=\s)")
_WHMCS_ERROR = re.compile(r"<(?:title|h1)[^>]*>\s*Oops!", re.IGNORECASE)
_MODULE_ERROR = re.compile(
    r"<div[^>]*\bclass=\"[^\"]*\balert-danger\b[^\"]*\"[^>]*>(.*?)</div>", re.IGNORECASE | re.DOTALL
)
_DEBUG = re.compile(r"<p[^>]*\bclass=\"debug\"[^>]*>(.*?)</p>", re.IGNORECASE | re.DOTALL)
_LOGIN_PAGE = re.compile(r"(?:rp=/login|/login\.php|/dologin\.php)")


class ClientAreaUnreachable(Exception):
    """The page could not be fetched (connection, TLS, timeout, too many redirects)."""


@dataclass(frozen=True)
class ClientAreaPage:
    url: str  # where the redirects ended
    status: int
    html: str


def fetch_page(url: str, timeout: float, connect_timeout: Optional[float] = None) -> ClientAreaPage:
    """GET ``url`` following redirects with a cookie jar; TLS checked against the system's CAs."""
    if not HAS_HTTPX:
        raise ClientAreaUnreachable("the Python package httpx is not installed")
    limits = httpx.Timeout(timeout, connect=connect_timeout or timeout)
    try:
        with httpx.Client(
            follow_redirects=True, timeout=limits, verify=ssl.create_default_context()
        ) as browser:
            response = browser.get(url)
    except httpx.HTTPError as error:
        raise ClientAreaUnreachable(str(error) or type(error).__name__) from None
    return ClientAreaPage(str(response.url), response.status_code, response.text)


def visible_text(html: str) -> str:
    """The page's text on one line: scripts, styles and tags dropped."""
    return _SPACE.sub(" ", unescape(_TAG.sub(" ", _HIDDEN.sub(" ", html)))).strip()


def _quote(text: str) -> str:
    text = _SPACE.sub(" ", text).strip()
    if len(text) > SHOWN_CHARS:
        text = text[: SHOWN_CHARS - 3].rstrip() + "..."
    return '"%s"' % text


def _php_error(text: str) -> Optional[str]:
    found = [match for match in (_PHP_FATAL.search(text), _PHP_SOFT.search(text)) if match]
    if not found:
        return None
    first = min(found, key=lambda match: match.start())
    return _LABEL_SPACE.sub(":", text[first.start() :], count=1)


def error_seen(page: ClientAreaPage) -> str:
    """The first error-looking thing on the page, named and quoted; '' when there is none."""
    text = visible_text(page.html)
    php = _php_error(text)
    if php is not None:
        return "PHP error text %s" % _quote(php)
    if _WHMCS_ERROR.search(page.html) or ERROR_PAGE_TEXT in text:
        seen = "WHMCS's error page %s" % _quote(
            "%s %s" % (ERROR_PAGE_TITLE, ERROR_PAGE_TEXT) if ERROR_PAGE_TEXT in text else text
        )
        debug = _DEBUG.search(page.html)  # the error itself, when WHMCS's Display Errors is on
        detail = visible_text(debug.group(1)) if debug else ""
        return "%s with %s" % (seen, _quote(detail)) if detail else seen
    module = _MODULE_ERROR.search(page.html)
    if module is not None:
        return "the module's error template %s" % _quote(visible_text(module.group(1)))
    return ""


def page_problem(page: ClientAreaPage, domain: str) -> str:
    """'' when the module's page rendered for ``domain``; else what was seen instead."""
    seen = error_seen(page)
    if page.status != 200:
        return "HTTP %d at %s: %s" % (page.status, page.url, seen or _quote(visible_text(page.html)))
    if seen:
        return "%s at %s" % (seen, page.url)
    if _LOGIN_PAGE.search(page.url):
        return "the login page (%s) instead of the service: the single sign-on did not log in" % page.url
    if domain not in page.html:
        return "%s (HTTP 200) does not show %s" % (page.url, domain)
    return ""
