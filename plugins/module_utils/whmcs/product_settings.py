# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SmarterMail module's 23 product settings by name, and their check against the real module.

WHMCS stores the Nth entry of ``<module>_ConfigOptions()`` in ``tblproducts.configoptionN``, so
the order is the contract. ``OPTIONS`` names each slot, with its WHMCS field type, the module's
default (as stored: yes/no is 'on' or '') and the kind of value it accepts.

* ``resolve_options(named, raw)`` turns user input (names and/or raw ``configoptionN`` keys) into
  the 24 stored strings, defaults filled in, every value checked; all problems are reported at
  once in one ``ModuleOptionError``.
* ``read_module_config_options(php, file, web_user)`` asks php what the module declares, running
  the module's code confined, as the web user (``confined_php``);
  ``check_schema_matches()`` refuses a module whose count, order/types or several defaults differ, so a
  newer release cannot silently shift slots under the names.
"""

from __future__ import absolute_import, annotations, division, print_function

__metaclass__ = type

import difflib
import json
import os
import re
import subprocess
from decimal import Decimal, InvalidOperation
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Tuple

from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.confined_php import (
    ConfinedPhpError,
    PhpIdentity,
    php_identity,
    run_confined_php,
)

__all__ = [
    "MAX_SLOTS",
    "OPTIONS",
    "OPTION_NAMES",
    "ModuleOptionError",
    "ModuleSchemaError",
    "OptionSpec",
    "check_schema_matches",
    "money_text",
    "named_options",
    "read_module_config_options",
    "resolve_options",
    "split_options",
    "yes_no",
]

MAX_SLOTS = 24  # WHMCS has configoption1..24; the module uses 23
PHP_TIMEOUT_SECONDS = 30
DEFAULT_TEXT_LIMIT = 255  # one line of text; ConfigOptions 'Size' is only the input box width
# More changed defaults than this means settings moved slots (see check_schema_matches).
MAX_CHANGED_DEFAULTS = 1
_MONEY_PLACES = 2
_RAW_KEY = re.compile(r"^configoption(\d+)$")
_JSON_MARKER = "@@SMARTERMAIL-WHMCS-CONFIGOPTIONS@@"

YES_WORDS = ("true", "yes", "on")
NO_WORDS = ("false", "no", "off", "")


class ModuleOptionError(ValueError):
    """Option values that cannot be stored; the message names each option and what it accepts."""


class ModuleSchemaError(ValueError):
    """The installed module declares different settings than the named schema expects."""


class OptionSpec(NamedTuple):
    name: str
    slot: int
    whmcs_type: str  # 'text' | 'yesno' | 'dropdown', as in ConfigOptions 'Type'
    default: str  # stored form
    kind: str  # 'positive_int' | 'non_negative_int' | 'money' | 'yesno' | 'choice' | 'text'
    meaning: str
    size: Optional[int] = None  # ConfigOptions 'Size': the admin form's input width, not a limit
    choices: Tuple[str, ...] = ()

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
            return "one of %s" % ", ".join(self.choices)
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
_BY_NAME: Dict[str, OptionSpec] = {spec.name: spec for spec in OPTIONS}
_BY_SLOT: Dict[int, OptionSpec] = {spec.slot: spec for spec in OPTIONS}


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
    if isinstance(value, str) and value.strip().lower() in choices:
        return value.strip().lower()
    raise ValueError(_shown(value))


def _text(value: Any, limit: int) -> str:
    text = _as_text(value)
    if re.search(r"[\x00-\x1f\x7f]", text):
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
        else:
            return _text(value, spec.limit)
        if spec.limit and len(stored) > spec.limit:
            raise ValueError(_shown(value))
        return stored
    except ValueError as error:
        raise ModuleOptionError(
            "option %s (configoption%d) got %s; allowed: %s" % (spec.name, spec.slot, error, spec.allowed())
        ) from None


# ---------------------------------------------------------------- resolving user input


def split_options(options: Optional[Mapping[str, Any]]) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """One mapping of names and ``configoptionN`` keys → (named, raw)."""
    named: Dict[str, Any] = {}
    raw: Dict[str, Any] = {}
    for key, value in (options or {}).items():
        (raw if _RAW_KEY.match(str(key).strip().lower()) else named)[key] = value
    return named, raw


def _unknown_name_message(name: Any) -> str:
    close = difflib.get_close_matches(str(name).lower(), OPTION_NAMES, n=1, cutoff=0.6)
    hint = "did you mean %s? " % close[0] if close else ""
    return "unknown option %s: %svalid names are %s (or raw keys configoption1..configoption%d)" % (
        _shown(name),
        hint,
        ", ".join(OPTION_NAMES),
        MAX_SLOTS,
    )


def _raw_value(slot: int, value: Any) -> str:
    """A raw slot the schema does not name (24): any one-line text; booleans stored like yes/no."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    try:
        return _text(value, 0)
    except ValueError as error:
        raise ModuleOptionError("configoption%d got %s; allowed: text on one line" % (slot, error)) from None


def resolve_options(
    named: Optional[Mapping[str, Any]], raw: Optional[Mapping[str, Any]] = None
) -> Dict[str, str]:
    """configoption1..24 → stored string, defaults for whatever is not given.

    ``named`` uses the names in OPTION_NAMES; ``raw`` uses ``configoptionN`` (1..24), checked
    like the name of that slot when it has one. A value of None means "use the default". A name
    and its raw slot may both be given only when they mean the same stored value.
    """
    problems: List[str] = []
    given: Dict[int, Tuple[str, str]] = {}  # slot -> (stored, how it was given)

    for name, value in (named or {}).items():
        spec = _BY_NAME.get(str(name).strip().lower()) if isinstance(name, str) else None
        if spec is None:
            problems.append(_unknown_name_message(name))
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
        spec = _BY_SLOT.get(slot)
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
        default = _BY_SLOT[slot].default if slot in _BY_SLOT else ""
        resolved["configoption%d" % slot] = given[slot][0] if slot in given else default
    return resolved


def named_options(configoptions: Mapping[str, Any]) -> Dict[str, str]:
    """configoptionN values → {name: value} (slots without a name keep their raw key)."""
    named: Dict[str, str] = {}
    for slot in range(1, MAX_SLOTS + 1):
        key = "configoption%d" % slot
        if key in configoptions:
            named[_BY_SLOT[slot].name if slot in _BY_SLOT else key] = str(configoptions[key] or "")
    return named


def stored_option_problems(configoptions: Mapping[str, Any]) -> List[str]:
    """What is wrong with a product's stored configoption1..23 (a tblproducts row), one sentence each.

    A stored value must be what WHMCS itself would store: yes/no exactly 'on' or '' (the module
    tests for 'on', so 'yes' or '1' would silently mean "no"), a dropdown one of its choices, a
    number or amount that parses. Empty is fine for text and for the 0-or-more numbers (the module
    reads it as 0), not for gb_per_tranche, which billing divides by. Slot 24 is not the module's.
    """
    problems: List[str] = []
    for spec in OPTIONS:
        value = configoptions.get(spec.key)
        stored = "" if value is None else str(value)
        if spec.kind == "yesno":
            if stored not in ("on", ""):
                problems.append(
                    "option %s (%s) holds %r; WHMCS stores a yes/no box as 'on' or ''"
                    % (spec.name, spec.key, stored)
                )
            continue
        if spec.kind == "choice":
            if stored not in spec.choices:
                problems.append(
                    "option %s (%s) holds %r; allowed: %s" % (spec.name, spec.key, stored, spec.allowed())
                )
            continue
        if stored == "" and spec.kind != "positive_int":
            continue
        try:
            normalise_value(spec, stored)
        except ModuleOptionError as error:
            problems.append(str(error).replace(" got ", " holds ", 1))
    return problems


# ---------------------------------------------------------------- the installed module, through php

# Runs inside ``php -r``, confined (confined_php): the module path arrives as $argv[1], never
# inside the code. Only the WHMCS constant is defined, so the module's own guard lets the include
# through; anything it prints is swallowed; the answer follows a marker so stray output cannot be
# mistaken for it.
_PHP_INTROSPECT = r"""
define('WHMCS', true);
$smwFile = $argv[1];
$smwFunction = $argv[2];
$smwAnswer = static function ($payload) {
    while (ob_get_level() > 0) { ob_end_clean(); }
    echo "@@SMARTERMAIL-WHMCS-CONFIGOPTIONS@@", json_encode($payload), "\n";
    exit(0);
};
ob_start();
try {
    require_once $smwFile;
    if (!function_exists($smwFunction)) {
        $smwAnswer(['error' => ['kind' => 'missing_function', 'message' => $smwFunction . '() is not defined']]);
    }
    $smwOptions = $smwFunction();
} catch (\Throwable $smwError) {
    $smwAnswer(['error' => ['kind' => 'php', 'message' => get_class($smwError) . ': ' . $smwError->getMessage()
        . ' in ' . $smwError->getFile() . ' line ' . $smwError->getLine()]]);
}
if (!is_array($smwOptions)) {
    $smwAnswer(['error' => ['kind' => 'not_array', 'message' => $smwFunction . '() returned ' . gettype($smwOptions)]]);
}
$smwList = [];
foreach ($smwOptions as $smwKey => $smwField) {
    $smwField = is_array($smwField) ? $smwField : [];
    $smwChoices = $smwField['Options'] ?? null;
    if (is_string($smwChoices)) {
        $smwChoices = array_map('trim', explode(',', $smwChoices));
    } elseif (is_array($smwChoices)) {
        $smwChoices = array_map('strval', array_keys($smwChoices) === range(0, count($smwChoices) - 1)
            ? array_values($smwChoices) : array_keys($smwChoices));
    } else {
        $smwChoices = [];
    }
    $smwList[] = [
        'key' => (string) $smwKey,
        'FriendlyName' => isset($smwField['FriendlyName']) ? (string) $smwField['FriendlyName'] : '',
        'Type' => isset($smwField['Type']) ? (string) $smwField['Type'] : '',
        'Default' => isset($smwField['Default']) ? (string) $smwField['Default'] : null,
        'Options' => $smwChoices,
        'Size' => isset($smwField['Size']) ? (string) $smwField['Size'] : null,
    ];
}
$smwAnswer(['options' => $smwList]);
"""


def _module_name(module_file: str) -> str:
    return os.path.splitext(os.path.basename(module_file))[0]


def _unreadable_hint(identity: Optional[PhpIdentity], said: str) -> str:
    if identity is None or "failed open" not in said.lower():
        return ""
    return " (php ran as the web user %s, who must be able to read the module folder)" % identity.name


def read_module_config_options(
    php_binary: str, module_file: str, web_user: Optional[str] = None
) -> List[Dict[str, Any]]:
    """What ``<module>_ConfigOptions()`` of the module file declares, in order.

    The module's code runs confined to its folder; as ``web_user`` when this process is root
    (see confined_php). Each entry: key, FriendlyName, Type, Default (None when absent), Options
    (list), Size. Raises ModuleSchemaError with a sentence when php or the file cannot give an answer.
    """
    if not os.path.isfile(module_file):
        raise ModuleSchemaError("module file %s does not exist" % module_file)
    function = "%s_ConfigOptions" % _module_name(module_file)
    real_file = os.path.realpath(module_file)
    try:
        identity = php_identity(web_user)
        result = run_confined_php(
            php_binary,
            os.path.dirname(real_file),
            _PHP_INTROSPECT,
            [real_file, function],
            identity,
            PHP_TIMEOUT_SECONDS,
        )
    except ConfinedPhpError as refused:
        raise ModuleSchemaError("cannot read the settings of %s: %s" % (module_file, refused)) from None
    except (FileNotFoundError, PermissionError):
        raise ModuleSchemaError(
            "cannot run the PHP CLI %r to read the module's settings from %s: install php-cli or set "
            "php_binary to its path" % (php_binary, module_file)
        ) from None
    except subprocess.TimeoutExpired:
        raise ModuleSchemaError(
            "php did not finish reading %s() from %s within %d s"
            % (function, module_file, PHP_TIMEOUT_SECONDS)
        ) from None
    stdout = result.stdout.decode("utf-8", errors="replace")
    marker = stdout.rfind(_JSON_MARKER)
    if marker < 0:
        lines = [line for line in result.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
        said = lines[-1] if lines else "nothing"
        raise ModuleSchemaError(
            "php stopped (exit code %d) before %s() of %s answered; php said: %s%s"
            % (result.returncode, function, module_file, said, _unreadable_hint(identity, said))
        )
    try:
        payload = json.loads(stdout[marker + len(_JSON_MARKER) :].strip())
    except ValueError:
        raise ModuleSchemaError("php printed settings of %s that are not valid JSON" % module_file) from None
    error = payload.get("error")
    if error:
        if error.get("kind") == "missing_function":
            raise ModuleSchemaError(
                "%s does not define %s(): it is not a WHMCS server module named %r"
                % (module_file, function, _module_name(module_file))
            )
        said = str(error.get("message"))
        raise ModuleSchemaError(
            "php could not read %s() from %s: %s%s"
            % (function, module_file, said, _unreadable_hint(identity, said))
        )
    return list(payload.get("options") or [])


def check_schema_matches(introspected: List[Mapping[str, Any]]) -> List[str]:
    """Refuse a module whose settings do not line up with OPTIONS slot by slot; return warnings.

    Compared: the number of settings, the WHMCS type of each slot, the choices of dropdowns, and
    the defaults. A release may change one default (a new suggested price): that is a warning.
    Two or more changed defaults mean settings of the same type moved slots, which types alone
    cannot show, so that is refused. Friendly names are labels and may be translated, so they are
    only quoted in the messages.
    """
    problems: List[str] = []
    changed_defaults: List[str] = []
    if len(introspected) != len(OPTIONS):
        problems.append(
            "the module declares %d settings, the named schema has %d" % (len(introspected), len(OPTIONS))
        )
    for spec, field in zip(OPTIONS, introspected):  # noqa: B905 - strict= needs Python 3.10
        label = "slot %d (%s; the module calls it %r)" % (
            spec.slot,
            spec.name,
            field.get("FriendlyName") or field.get("key"),
        )
        module_type = str(field.get("Type") or "").strip().lower()
        if module_type != spec.whmcs_type:
            problems.append("%s is of type %r, expected %r" % (label, module_type, spec.whmcs_type))
            continue
        default = field.get("Default")
        default = "" if default is None else str(default)
        if spec.kind == "yesno":
            default = "on" if default.strip().lower() in YES_WORDS else default
            default = "" if default.strip().lower() in NO_WORDS else default
        if default != spec.default:
            changed_defaults.append("%s defaults to %r, expected %r" % (label, default, spec.default))
        if spec.kind == "choice":
            choices = tuple(str(choice).strip().lower() for choice in field.get("Options") or ())
            if choices != spec.choices:
                problems.append(
                    "%s offers %s, expected %s"
                    % (label, ", ".join(choices) or "nothing", ", ".join(spec.choices))
                )
    if len(changed_defaults) > MAX_CHANGED_DEFAULTS:
        problems.extend(changed_defaults)
    if problems:
        raise ModuleSchemaError(
            "the module's settings do not match the named options, so names could land in the "
            "wrong configoption slots: %s. Nothing was written; install a module release this "
            "collection supports, or update the collection" % "; ".join(problems)
        )
    return [
        "%s: the module release changed this default; the value you set (or the named default) is written"
        % warning
        for warning in changed_defaults
    ]
