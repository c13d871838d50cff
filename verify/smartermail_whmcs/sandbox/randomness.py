"""Random secrets for the sandbox (passwords, cc_encryption_hash), from the ``secrets`` module."""

from __future__ import annotations

import secrets
import string

_ALPHANUMERIC = string.ascii_letters + string.digits


def random_alphanumeric(length: int) -> str:
    """``length`` random letters and digits (WHMCS installers make cc_encryption_hash this way)."""
    return "".join(secrets.choice(_ALPHANUMERIC) for _ in range(length))


def random_password(length: int = 24) -> str:
    """A password safe to embed anywhere (PHP string, YAML, URL) without escaping."""
    return random_alphanumeric(length)
