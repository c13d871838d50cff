# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""URL slugs of product and group names, made the way WHMCS makes them.

WHMCS 8 builds a new product's slug from its name: ``&`` becomes ``and``, the name is
transliterated to ASCII, then Laravel's ``Str::slug`` keeps letters and digits, drops other
punctuation, turns ``@`` into ``at`` and runs of spaces, ``-`` and ``_`` into one ``-``. So
"Ünïcødé Mäil" is ``unicode-mail`` and "Mail & Web" is ``mail-and-web``.

Transliteration here is NFKD (which splits ``é`` into ``e`` + accent, ``ﬁ`` into ``fi``) with
the accents dropped, plus a table for the letters NFKD keeps whole (``ø``, ``æ``, ``œ``, ``ß``,
``đ``, ``ł``, ``þ``, ...) and for Greek and Cyrillic. Letters of other scripts are dropped; a
name left with no letter or digit gets ``product``, and an all-digit slug gets ``product-`` in
front (WHMCS refuses numeric slugs: they would read as product ids).
"""

# The tables below hold Greek and Cyrillic letters that look like Latin ones, on purpose.
# ruff: noqa: RUF001

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import unicodedata

__all__ = ["slugify", "transliterate"]

MAX_SLUG_LENGTH = 128  # tblproducts.slug and tblproducts_slugs.slug are varchar(128)

# Letters NFKD does not decompose into a base letter plus marks (Latin-1 Supplement, Latin
# Extended-A/B, IPA look-alikes), as Unidecode and PHP's transliterators write them.
_LATIN = {
    "Æ": "AE", "æ": "ae", "Ð": "D", "ð": "d", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h",
    "ı": "i", "Ĳ": "IJ", "ĳ": "ij", "ĸ": "k", "Ŀ": "L", "ŀ": "l", "Ł": "L", "ł": "l",
    "ŉ": "n", "Ŋ": "NG", "ŋ": "ng", "Ø": "O", "ø": "o", "Œ": "OE", "œ": "oe", "ß": "ss",
    "ẞ": "SS", "Þ": "TH", "þ": "th", "Ŧ": "T", "ŧ": "t", "ſ": "s", "ƒ": "f", "Ɖ": "D",
    "ɖ": "d", "Ƒ": "F", "Ɨ": "I", "ɨ": "i", "Ƶ": "Z", "ƶ": "z", "Ǥ": "G", "ǥ": "g",
    "Ə": "E", "ə": "e", "Ʒ": "ZH", "ʒ": "zh", "ȷ": "j",
}  # fmt: skip
# Greek and Cyrillic letters after NFKD has removed their accents (lower case; upper case is
# lowered first), romanised as Unidecode does.
_GREEK = {
    "α": "a", "β": "b", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "e", "θ": "th",
    "ι": "i", "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p",
    "ρ": "r", "σ": "s", "ς": "s", "τ": "t", "υ": "y", "φ": "ph", "χ": "kh", "ψ": "ps",
    "ω": "o",
}  # fmt: skip
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "є": "ie",
    "ж": "zh", "з": "z", "и": "i", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l",
    "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ў": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "",
    "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia", "ђ": "d", "ј": "j", "љ": "lj",
    "њ": "nj", "ћ": "c", "џ": "dz", "ѓ": "g", "ќ": "k", "ѕ": "dz",
}  # fmt: skip
_TABLE = dict(_LATIN, **_GREEK, **_CYRILLIC)
_SEPARATORS = re.compile(r"[\s_-]+")
_NOT_SLUG = re.compile(r"[^a-z0-9\s_-]+")


def transliterate(text: str) -> str:
    """``text`` in ASCII: accents dropped, the table's letters spelled out, other characters kept."""
    letters = []
    for char in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(char):
            continue
        spelled = _TABLE.get(char)
        if spelled is None and char.lower() in _TABLE:  # an upper-case Greek or Cyrillic letter
            spelled = _TABLE[char.lower()].upper()
        letters.append(char if spelled is None else spelled)
    return "".join(letters)


def slugify(text: str) -> str:
    """The slug WHMCS would give ``text``: lower-case ASCII words joined by ``-`` (at most 128 characters)."""
    words = re.sub(r"\s*&\s*", " and ", text).replace("@", " at ")
    slug = _SEPARATORS.sub("-", _NOT_SLUG.sub("", transliterate(words).lower())).strip("-")
    slug = slug[:MAX_SLUG_LENGTH].rstrip("-")
    if not slug:
        return "product"
    return "product-%s" % slug if slug.isdigit() else slug
