# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PHP's value rules where the module's invoice hook depends on them, so a preview matches to the cent.

The hook (module-api-calls.md 4) reads product options as PHP does: ``(float) ($v ?: 0)``,
``(int) ($v ?: 10)``; it writes ``number_format($gb, 2)`` and a price through ``sprintf('%s')``.
Sources: php.net manual pages "Numeric strings", "String conversion" (float to string uses the
``precision`` setting, 14 by default), ``number_format`` and ``sprintf``; PHP 8 behaviour.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, List, Sequence

# The leading numeric part of a string, as PHP's (float) / (int) casts read it (leading
# whitespace allowed, then a decimal number with an optional exponent).
_LEADING_NUMBER = re.compile(r"^[ \t\n\r\v\f]*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)")
# PHP's default ``precision`` ini value: significant digits when a float becomes a string.
PHP_PRECISION = 14
# sprintf: %[argnum$][flags][width][.precision]specifier
_FORMAT = re.compile(r"%(?:(\d+)\$)?((?:[-+ 0]|'.)*)(\d+)?(?:\.(\d+))?([a-zA-Z%])")
_FLAGS = re.compile(r"[-+ 0]|'.")


class PhpFormatError(ValueError):
    """A format string PHP's sprintf would refuse (PHP 8 throws ValueError / ArgumentCountError)."""


def php_truthy(value: Any) -> bool:
    """PHP's truthiness for a stored option: null, '' and '0' are false (so ``?:`` takes the default)."""
    if value is None:
        return False
    if isinstance(value, str):
        return value not in ("", "0")
    return bool(value)


def php_float(value: Any) -> Decimal:
    """``(float) $value`` for text or a number, exactly as a Decimal: the leading number, else 0."""
    if value is None or isinstance(value, bool):
        return Decimal(int(bool(value)))
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    match = _LEADING_NUMBER.match(str(value))
    return Decimal(match.group(1)) if match else Decimal(0)


def php_int(value: Any) -> int:
    """``(int) $value``: the leading number truncated toward zero (``'12.7'`` is 12, ``'1e3'`` 1000)."""
    number = php_float(value)
    if not number.is_finite():
        return 0
    return int(number)  # int() of a Decimal truncates toward zero, like PHP's cast


def option_float(value: Any) -> Decimal:
    """``(float) ($value ?: 0)``: how the hook reads the EAS, MAPI and combined prices."""
    return php_float(value) if php_truthy(value) else Decimal(0)


def gb_per_tier(value: Any) -> int:
    """``max(1, (int) ($value ?: 10))``: the hook's GB per tranche from option 1."""
    return max(1, php_int(value) if php_truthy(value) else 10)


def float_text(value: Any) -> str:
    """A PHP float turned into a string (``'6'`` for 6.00, ``'7.49'``, ``'12.5'``): 14 significant digits."""
    text = "%.*G" % (PHP_PRECISION, float(value))
    if "E" in text:  # PHP writes 1.0E+25 where C writes 1E+25
        mantissa, exponent = text.split("E")
        if "." not in mantissa:
            mantissa += ".0"
        sign, digits = exponent[0], exponent[1:].lstrip("0") or "0"
        text = "%sE%s%s" % (mantissa, sign, digits)
    return text


def number_format(value: Any, decimals: int = 2) -> str:
    """``number_format($value, $decimals)``: rounded half away from zero, ',' every three digits, '.'."""
    number = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if number == 0:
        number = abs(number)  # PHP 8 never writes -0
    return "{:,.{}f}".format(number, decimals)


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float):
        return float_text(value)
    if isinstance(value, Decimal):  # a PHP float held exactly
        return float_text(value)
    return str(value)


def _pad(text: str, flags: Sequence[str], width: int, numeric: bool) -> str:
    if len(text) >= width:
        return text
    pad = " "
    for flag in flags:
        if flag == "0":
            pad = "0"
        elif flag.startswith("'"):
            pad = flag[1]
    if "-" in flags:
        return text.ljust(width, " " if pad == "0" else pad)
    if pad == "0" and numeric and text[:1] in "+-":
        return text[0] + text[1:].rjust(width - 1, "0")
    return text.rjust(width, pad)


def _convert(spec: str, value: Any, flags: List[str], precision: Any) -> str:
    if spec == "s":
        text = _as_text(value)
        return text[: int(precision)] if precision is not None else text
    if spec in "du":
        whole = php_int(value)
        text = str(whole)
        return "+" + text if "+" in flags and whole >= 0 else text
    if spec in "fF":
        digits = 6 if precision is None else int(precision)
        number = float(php_float(value))  # PHP rounds the binary double here, not the decimal text
        text = "%.*f" % (digits, number)
        return "+" + text if "+" in flags and number >= 0 else text
    raise PhpFormatError("unsupported sprintf conversion %%%s" % spec)


def sprintf(template: str, *args: Any) -> str:
    """PHP's sprintf for the conversions invoice labels use: %s %d %u %f %F %%, ``%1$s`` positions,
    flags ``- + space 0 'c``, width and precision. Other conversions raise PhpFormatError."""
    out: List[str] = []
    position = 0
    next_arg = 0
    for match in _FORMAT.finditer(template):
        out.append(template[position : match.start()])
        position = match.end()
        argnum, flag_text, width, precision, spec = match.groups()
        if spec == "%":
            out.append("%")
            continue
        flags = _FLAGS.findall(flag_text)
        if argnum is not None:
            index = int(argnum) - 1
            if index < 0:
                raise PhpFormatError("argument number must be greater than zero")
        else:
            index = next_arg
            next_arg += 1
        if index >= len(args):
            raise PhpFormatError("%d arguments are required, %d given" % (index + 2, len(args) + 1))
        text = _convert(spec, args[index], flags, precision)
        out.append(_pad(text, flags, int(width or 0), spec in "dufF"))
    out.append(template[position:])
    return "".join(out)
