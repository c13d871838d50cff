"""Validation of domain names, mailbox names, addresses and IP literals as the simulator models it."""

from __future__ import annotations

import ipaddress
import re

_LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TLD_RE = re.compile(r"^([a-z]{2,63}|xn--[a-z0-9-]{1,59})$")
_LOCAL_RE = re.compile(r"^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9_-])?$")


def normalize_domain(name: object) -> str | None:
    """Lower-case ASCII form of a valid domain name (IDN accepted via IDNA), else None."""
    if not isinstance(name, str):
        return None
    text = name.strip().lower().rstrip(".")
    if not text or len(text) > 253:
        return None
    try:
        ascii_form = text.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    labels = ascii_form.split(".")
    if len(labels) < 2 or not all(_LABEL_RE.match(label) for label in labels):
        return None
    if not _TLD_RE.match(labels[-1]):
        return None
    return ascii_form


def normalize_local_part(name: object) -> str | None:
    """Lower-case mailbox name (the part before @), else None when it is not acceptable."""
    if not isinstance(name, str):
        return None
    text = name.strip().lower()
    if ".." in text or not _LOCAL_RE.match(text):
        return None
    return text


def split_email(address: object) -> tuple[str, str] | None:
    """(mailbox name, domain) of a valid address, both lower-case, else None."""
    if not isinstance(address, str) or address.count("@") != 1:
        return None
    local_text, _, domain_text = address.partition("@")
    local, domain = normalize_local_part(local_text), normalize_domain(domain_text)
    if local is None or domain is None:
        return None
    return local, domain


def is_ip_address(text: str) -> bool:
    """An IPv4 or IPv6 literal (what an outgoing IP must be)."""
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
