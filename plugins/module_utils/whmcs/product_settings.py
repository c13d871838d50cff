# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SmarterMail module's 23 named product settings, and the checks of values for any setting.

WHMCS stores the Nth entry of ``<module>_ConfigOptions()`` in ``tblproducts.configoptionN``, so
the order is the contract. ``OPTIONS`` names each slot, with its WHMCS field type, the module's
default (as stored: yes/no is 'on' or '') and the kind of value it accepts. The settings a given
module release declares (these 23 checked slot by slot, plus any it adds) are built from its
``ConfigOptions`` by module_schema.py; every function here takes that list as ``specs`` (default:
the 23 named ones).

* ``resolve_options(named, raw, specs)`` turns user input (names and/or raw ``configoptionN`` keys)
  into the 24 stored strings, defaults filled in, every value checked; all problems are reported
  at once in one ``ModuleOptionError``.
* ``stored_option_problems(row, specs)`` says what is wrong with a stored product row.
"""

from __future__ import absolute_import, annotations, division, print_function

__metaclass__ = type

import difflib
import re
from decimal import Decimal, InvalidOperation
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Sequence, Tuple

__all__ = [
    "MAX_SLOTS",
    "OPTIONS",
    "OPTION_NAMES",
    "ModuleOptionError",
    "OptionSpec",
    "money_text",
    "named_options",
    "normalise_value",
    "resolve_options",
    "split_options",
    "stored_option_problems",
    "yes_no",
]

MAX_SLOTS = 24  # WHMCS has configoption1..24 (tblproducts columns)
DEFAULT_TEXT_LIMIT = 255  # one line of text; ConfigOptions 'Size' is only the input box width
_MONEY_PLACES = 2
_RAW_KEY = re.compile(r"^configoption(\d+)$")

YES_WORDS = ("true", "yes", "on")
NO_WORDS = ("false", "no", "off", "")


class ModuleOptionError(ValueError):
    """Option values that cannot be stored; the message names each option and what it accepts."""


class OptionSpec(NamedTuple):
    name: str
    slot: int
    whmcs_type: str  # 'text' | 'yesno' | 'dropdown', as in ConfigOptions 'Type'
    default: str  # stored form
    kind: str  # 'positive_int' | 'non_negative_int' | 'money' | 'yesno' | 'choice' | 'text' | 'multiline'
    meaning: str
    size: Optional[int] = None  # ConfigOptions 'Size': the admin form's input width, not a limit
    choices: Tuple[str, ...] = ()
    from_module: bool = False  # a setting this collection does not name: known from the module only

    @property
    def key(self) -> str:
        return "configoption%d" % self.slot

    def allowed(self) -> str:
        """What the option accepts, in words (used in every error about it)."""
        if self.kind == "positive_int":
            text = "a whole number of at least 1"
        elif self.kind == "non_negative_int":
            text = "a whole number of 0 or more"
        elif self.kind == "money":
            text = "an amount of 0 or more with at most %d decimals (e.g. 2.50)" % _MONEY_PLACES
        elif self.kind == "yesno":
            return "yes/no: true, false, yes, no, on, off or '' (empty = no)"
        elif self.kind == "choice":
            return "one of %s" % ", ".join(self.choices) if self.choices else "nothing (no choice offered)"
        elif self.kind == "multiline":
            return "text"
        else:
            text = "text on one line"
        return "%s, at most %d characters" % (text, self.limit) if self.limit else text

    @property
    def limit(self) -> int:
        if self.kind in ("yesno", "choice"):
            return 0
        return DEFAULT_TEXT_LIMIT if self.kind == "text" else 0


def _spec(
    slot: int,
    name: str,
    whmcs_type: str,
    default: str,
    kind: str,
    meaning: str,
    size: Optional[int] = None,
    choices: Tuple[str, ...] = (),
) -> OptionSpec:
    return OptionSpec(name, slot, whmcs_type, default, kind, meaning, size, tuple(choices))


OPTIONS: Tuple[OptionSpec, ...] = (
    _spec(1, "gb_per_tranche", "text", "10", "positive_int", "GB of storage per billing tranche", size=5),
    _spec(2, "eas_price", "text", "2.00", "money", "Exchange ActiveSync price per mailbox per month"),
    _spec(3, "mapi_price", "text", "3.00", "money", "MAPI/EWS price per mailbox per month"),
    _spec(4, "eas_mapi_price", "text", "4.50", "money", "Price per mailbox per month with both EAS and MAPI"),
    _spec(5, "domain_path", "text", "C:\\SmarterMail\\Domains\\", "text", "Domain storage folder on the mail server", size=40),
    _spec(6, "outbound_ip", "text", "default", "text", "Outgoing IP address, or 'default'"),
    _spec(7, "max_users", "text", "0", "non_negative_int", "Mailboxes per domain (0 = unlimited)"),
    _spec(8, "delete_data_on_terminate", "yesno", "on", "yesno", "Delete the domain's data on termination"),
    _spec(9, "password_min_length", "text", "8", "non_negative_int", "Shortest mailbox password"),
    _spec(10, "password_require_uppercase", "yesno", "on", "yesno", "Passwords need an upper-case letter"),
    _spec(11, "password_require_digit", "yesno", "on", "yesno", "Passwords need a digit"),
    _spec(12, "password_require_special", "yesno", "on", "yesno", "Passwords need a symbol"),
    _spec(13, "spf_primary", "text", "include:mail.example.com", "text", "Primary SPF mechanism to suggest", size=60),
    _spec(14, "offer_eas", "yesno", "on", "yesno", "Customers may switch Exchange ActiveSync on"),
    _spec(15, "offer_mapi", "yesno", "on", "yesno", "Customers may switch MAPI/EWS on"),
    _spec(16, "eas_mapi_billing_threshold_days", "text", "1", "non_negative_int", "Days EAS/MAPI must stay on before billing (0 = live billing)"),
    _spec(17, "max_domain_aliases", "text", "0", "non_negative_int", "Domain aliases allowed (0 hides the feature)"),
    _spec(18, "spf_secondary", "text", "", "text", "Other accepted SPF mechanisms, comma-separated"),
    _spec(19, "autodiscover_host", "text", "", "text", "Expected Autodiscover host ('' = server host name)"),
    _spec(20, "autodiscover_srv_target", "text", "", "text", "Autodiscover SRV target, port 443 ('' = server host name)"),
    _spec(21, "dmarc_check", "yesno", "", "yesno", "Include DMARC in the DNS check"),
    _spec(22, "dmarc_rua", "text", "", "text", "rua= address in the suggested DMARC record"),
    _spec(23, "dmarc_policy", "dropdown", "none", "choice", "p= policy in the suggested DMARC record", choices=("none", "quarantine", "reject")),
)  # fmt: skip
OPTION_NAMES: Tuple[str, ...] = tuple(spec.name for spec in OPTIONS)


# ---------------------------------------------------------------- value checks


def _shown(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def _as_text(value: Any) -> str:
    """Numbers from YAML are fine where text is expected; containers are not."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise ValueError("a %s" % type(value).__name__)
    return value if isinstance(value, str) else str(value)


def _integer(value: Any, minimum: int) -> str:
    if isinstance(value, bool):
        raise ValueError("a yes/no value")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(_shown(value))
        value = int(value)
    text = _as_text(value).strip()
    if not re.match(r"^[+-]?\d+$", text):
        raise ValueError(_shown(value))
    number = int(text)
    if number < minimum:
        raise ValueError(_shown(value))
    return str(number)


def money_text(value: Any) -> str:
    """A non-negative amount with at most 2 decimals as stored ('2.5' → '2.50'); ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError("a yes/no value")
    text = repr(value) if isinstance(value, float) else _as_text(value).strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(_shown(value)) from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal(1).scaleb(-_MONEY_PLACES)):
        raise ValueError(_shown(value))
    return str(amount.quantize(Decimal(1).scaleb(-_MONEY_PLACES)))


def yes_no(value: Any) -> str:
    """true/yes/on → 'on'; false/no/off/'' → ''. Anything else is refused."""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, str):
        word = value.strip().lower()
        if word in YES_WORDS:
            return "on"
        if word in NO_WORDS:
            return ""
    raise ValueError(_shown(value))


def _choice(value: Any, choices: Tuple[str, ...]) -> str:
    """The choice as the module spells it: exact first, else the one choice equal ignoring case."""
    word = _as_text(value).strip() if not isinstance(value, bool) else None
    if word is not None:
        if word in choices:
            return word
        alike = [choice for choice in choices if choice.lower() == word.lower()]
        if len(alike) == 1:
            return alike[0]
    raise ValueError(_shown(value))


def _text(value: Any, limit: int, one_line: bool = True) -> str:
    text = _as_text(value)
    if re.search(r"[\x00-\x1f\x7f]" if one_line else r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text):
        raise ValueError("text with a line break or control character")
    if limit and len(text) > limit:
        raise ValueError("%d characters long" % len(text))
    return text


def normalise_value(spec: OptionSpec, value: Any) -> str:
    """The stored form of ``value`` for ``spec``; ModuleOptionError naming it when refused."""
    try:
        if spec.kind == "positive_int":
            stored = _integer(value, 1)
        elif spec.kind == "non_negative_int":
            stored = _integer(value, 0)
        elif spec.kind == "money":
            stored = money_text(value)
        elif spec.kind == "yesno":
            return yes_no(value)
        elif spec.kind == "choice":
            return _choice(value, spec.choices)
        elif spec.kind == "multiline":
            return _text(value, 0, one_line=False)
        else:
            return _text(value, spec.limit)
        if spec.limit and len(stored) > spec.limit:
            raise ValueError(_shown(value))
        return stored
    except ValueError as error:
        raise ModuleOptionError("%s got %s; allowed: %s" % (describe(spec), error, spec.allowed())) from None


def describe(spec: OptionSpec) -> str:
    """How errors name a setting: 'option dmarc_policy (configoption23)'; the module's own key for others."""
    if spec.name == spec.key:
        return "module setting %s" % spec.key
    if spec.from_module:
        return "module setting %s (%s)" % (spec.name, spec.key)
    return "option %s (%s)" % (spec.name, spec.key)


# ---------------------------------------------------------------- resolving user input


def split_options(options: Optional[Mapping[str, Any]]) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """One mapping of names and ``configoptionN`` keys → (named, raw)."""
    named: Dict[str, Any] = {}
    raw: Dict[str, Any] = {}
    for key, value in (options or {}).items():
        (raw if _RAW_KEY.match(str(key).strip().lower()) else named)[key] = value
    return named, raw


def _by_name(specs: Sequence[OptionSpec]) -> Dict[str, OptionSpec]:
    """Lower-case name → spec; a module's own key is matched ignoring case like the named options."""
    return {spec.name.lower(): spec for spec in specs if spec.name != spec.key}


def _unknown_name_message(name: Any, specs: Sequence[OptionSpec]) -> str:
    names = [spec.name for spec in specs if spec.name != spec.key]
    close = difflib.get_close_matches(str(name).lower(), [n.lower() for n in names], n=1, cutoff=0.6)
    hint = "did you mean %s? " % close[0] if close else ""
    return "unknown option %s: %svalid names are %s (or raw keys configoption1..configoption%d)" % (
        _shown(name),
        hint,
        ", ".join(names),
        MAX_SLOTS,
    )


def _raw_value(slot: int, value: Any) -> str:
    """A slot the module does not declare: any one-line text; booleans stored like yes/no."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    try:
        return _text(value, 0)
    except ValueError as error:
        raise ModuleOptionError("configoption%d got %s; allowed: text on one line" % (slot, error)) from None


def resolve_options(
    named: Optional[Mapping[str, Any]],
    raw: Optional[Mapping[str, Any]] = None,
    specs: Sequence[OptionSpec] = OPTIONS,
) -> Dict[str, str]:
    """configoption1..24 → stored string, defaults for whatever is not given.

    ``specs`` are the module's settings (module_schema; default the 23 named ones). ``named`` uses
    their names (the module's own key for a setting this collection does not name); ``raw`` uses
    ``configoptionN`` (1..24), checked like the setting of that slot when there is one. A value of
    None means "use the default". A name and its raw slot may both be given only when they mean
    the same stored value.
    """
    problems: List[str] = []
    given: Dict[int, Tuple[str, str]] = {}  # slot -> (stored, how it was given)
    by_name = _by_name(specs)
    by_slot = {spec.slot: spec for spec in specs}

    for name, value in (named or {}).items():
        spec = by_name.get(str(name).strip().lower()) if isinstance(name, str) else None
        if spec is None:
            problems.append(_unknown_name_message(name, specs))
            continue
        if value is None:
            continue
        try:
            given[spec.slot] = (normalise_value(spec, value), spec.name)
        except ModuleOptionError as error:
            problems.append(str(error))

    for key, value in (raw or {}).items():
        match = _RAW_KEY.match(str(key).strip().lower())
        slot = int(match.group(1)) if match else 0
        if not 1 <= slot <= MAX_SLOTS:
            problems.append(
                "unknown raw option %s: raw keys are configoption1..configoption%d" % (_shown(key), MAX_SLOTS)
            )
            continue
        if value is None:
            continue
        spec = by_slot.get(slot)
        try:
            stored = normalise_value(spec, value) if spec else _raw_value(slot, value)
        except ModuleOptionError as error:
            problems.append(str(error))
            continue
        if slot in given and given[slot][0] != stored:
            problems.append(
                "option %s and raw key configoption%d name the same slot with different values (%r and %r); "
                "give only one of them" % (given[slot][1], slot, given[slot][0], stored)
            )
            continue
        given[slot] = (stored, "configoption%d" % slot)

    if problems:
        raise ModuleOptionError("; ".join(problems))
    resolved: Dict[str, str] = {}
    for slot in range(1, MAX_SLOTS + 1):
        default = by_slot[slot].default if slot in by_slot else ""
        resolved["configoption%d" % slot] = given[slot][0] if slot in given else default
    return resolved


def named_options(configoptions: Mapping[str, Any], specs: Sequence[OptionSpec] = OPTIONS) -> Dict[str, str]:
    """configoptionN values → {name: value} (the module's own key for its settings; slots without one keep their raw key)."""
    by_slot = {spec.slot: spec for spec in specs}
    named: Dict[str, str] = {}
    for slot in range(1, MAX_SLOTS + 1):
        key = "configoption%d" % slot
        if key in configoptions:
            named[by_slot[slot].name if slot in by_slot else key] = str(configoptions[key] or "")
    return named


def stored_option_problems(
    configoptions: Mapping[str, Any], specs: Sequence[OptionSpec] = OPTIONS
) -> List[str]:
    """What is wrong with a product's stored settings (a tblproducts row), one sentence each.

    A stored value must be what WHMCS itself would store: yes/no exactly 'on' or '' (the module
    tests for 'on', so 'yes' or '1' would silently mean "no"), a dropdown one of the choices the
    module offers (for a module's own dropdown: on this host), a number or amount that parses.
    Empty is fine for text and for the 0-or-more numbers (the module reads it as 0), not for
    gb_per_tranche, which billing divides by. Slots the module does not declare are not checked.
    """
    problems: List[str] = []
    for spec in specs:
        value = configoptions.get(spec.key)
        stored = "" if value is None else str(value)
        if spec.kind == "yesno":
            if stored not in ("on", ""):
                problems.append(
                    "%s holds %r; WHMCS stores a yes/no box as 'on' or ''" % (describe(spec), stored)
                )
            continue
        if spec.kind == "choice":
            if stored not in spec.choices:
                offered = " on this host" if spec.from_module else ""
                problems.append(
                    "%s holds %r, which the module does not offer%s; allowed: %s"
                    % (describe(spec), stored, offered, spec.allowed())
                    if spec.from_module
                    else "%s holds %r; allowed: %s" % (describe(spec), stored, spec.allowed())
                )
            continue
        if stored == "" and spec.kind != "positive_int":
            continue
        try:
            normalise_value(spec, stored)
        except ModuleOptionError as error:
            problems.append(str(error).replace(" got ", " holds ", 1))
    return problems
