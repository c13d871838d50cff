# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module's invoice strings, read from its language files as its hook reads them.

The hook writes the storage suffix with ``inv_usage_prefix`` and ``inv_usage_label`` from
``modules/servers/smartermail/lang/<language>.php``: WHMCS's ``Language`` setting first, then
``french``, then ``english``, the first file that defines the key (module-api-calls.md 4 step 6;
the fixture module does the same). A key no file defines is used as the text itself.

The files are PHP; they are read, not run: each ``$_LANG['key'] = '...';`` (single or double
quoted, without variables) is taken literally with PHP's escapes applied.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
from typing import Dict, List, Optional

FALLBACK_LANGUAGES = ("french", "english")
_LANGUAGE_NAME = re.compile(r"^[a-z]+$")
_ASSIGNMENT = re.compile(
    r"""\$_LANG\s*\[\s*(['"])(?P<key>[A-Za-z0-9_]+)\1\s*\]\s*=\s*"""
    r"""(?P<value>'(?:[^'\\]|\\.)*'|"(?:[^"\\$]|\\.)*")\s*;""",
    re.DOTALL,
)
_DOUBLE_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "v": "\v",
    "f": "\f",
    "e": "\x1b",
    "\\": "\\",
    "$": "$",
    '"': '"',
}
_DOUBLE_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{1,2}|[0-7]{1,3}|u\{[0-9A-Fa-f]+\}|.)", re.DOTALL)


def _php_literal(literal: str) -> str:
    body = literal[1:-1]
    if literal[0] == "'":
        return re.sub(r"\\([\\'])", r"\1", body)

    def escape(match: "re.Match[str]") -> str:
        code = match.group(1)
        if code in _DOUBLE_ESCAPES:
            return _DOUBLE_ESCAPES[code]
        if code[0] == "x" and len(code) > 1:
            return chr(int(code[1:], 16))
        if code[0].isdigit():
            return chr(int(code, 8) & 0xFF)
        if code.startswith("u{"):
            return chr(int(code[2:-1], 16))
        return "\\" + code  # PHP keeps an unknown escape as written

    return _DOUBLE_ESCAPE.sub(escape, body)


def read_language_file(path: str) -> Dict[str, str]:
    """{key: text} of the literal assignments in one language file ({} when it cannot be read)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            source = handle.read()
    except OSError:
        return {}
    return {match.group("key"): _php_literal(match.group("value")) for match in _ASSIGNMENT.finditer(source)}


class ModuleTexts:
    """The module's strings for one WHMCS Language setting; files read once."""

    def __init__(self, module_dir: str, language: Optional[str]) -> None:
        self.module_dir = module_dir
        self.languages: List[str] = []
        for name in [(language or "").lower(), *FALLBACK_LANGUAGES]:
            if _LANGUAGE_NAME.match(name) and name not in self.languages:
                self.languages.append(name)
        self._files: Dict[str, Dict[str, str]] = {}

    def _file(self, language: str) -> Dict[str, str]:
        if language not in self._files:
            self._files[language] = read_language_file(
                os.path.join(self.module_dir, "lang", language + ".php")
            )
        return self._files[language]

    def text(self, key: str) -> str:
        for language in self.languages:
            found = self._file(language).get(key)
            if found is not None:
                return found
        return key

    def source(self, key: str) -> Optional[str]:
        """The language file the key came from, or None (the key itself is used)."""
        for language in self.languages:
            if key in self._file(language):
                return os.path.join(self.module_dir, "lang", language + ".php")
        return None
