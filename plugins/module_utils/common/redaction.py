# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Masking secrets (passwords, keys) wherever text may reach a person: errors, diffs, reports."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from typing import Any, Iterable, Optional, Tuple

MASK = "********"
MASK_CHANGED = "******** (changed)"
# Shorter "secrets" would blank out ordinary words; nobody uses such a password.
MIN_SECRET_CHARS = 3


def usable_secrets(secrets: Iterable[Optional[str]], min_chars: int = MIN_SECRET_CHARS) -> Tuple[str, ...]:
    """The distinct secrets worth masking, longest first so a secret inside another is masked whole."""
    usable = {secret for secret in secrets if isinstance(secret, str) and len(secret) >= max(min_chars, 1)}
    return tuple(sorted(usable, key=len, reverse=True))


def scrub(text: Any, secrets: Iterable[Optional[str]], min_chars: int = MIN_SECRET_CHARS) -> Any:
    """``text`` with every occurrence of any secret replaced by the mask; non-text is returned as is."""
    if not isinstance(text, str):
        return text
    for secret in usable_secrets(secrets, min_chars):
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def mask_value(value: Any, secrets: Iterable[Optional[str]]) -> Any:
    """``value`` with secrets masked in every string inside it (dict keys and values, lists, tuples)."""
    usable = usable_secrets(secrets)
    return _mask(value, usable) if usable else value


def _mask(value: Any, secrets: Tuple[str, ...]) -> Any:
    if isinstance(value, str):
        return scrub(value, secrets)
    if isinstance(value, dict):
        return {_mask(key, secrets): _mask(item, secrets) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_mask(item, secrets) for item in value]
    return value
