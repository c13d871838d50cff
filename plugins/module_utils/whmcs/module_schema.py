# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The settings of the module release being installed: the 23 named ones, checked, plus whatever it adds.

``module_schema(declared)`` takes what ``ConfigOptions`` declares (module_config_options) and
answers the list of OptionSpec that product_settings resolves and checks values against:

* slots 1..23 must be the named settings (OPTIONS): same WHMCS type, same dropdown choices, and
  at most one changed default (a new suggested price). Fewer than 23 settings, a changed type or
  choices, or two or more changed defaults mean settings moved slots, which names would silently
  follow into the wrong ``configoptionN``: refused (ModuleSchemaError), before anything is written;
* slots 24.. are settings this collection does not name yet: each is known by the module's own
  key (matched ignoring case; never by its FriendlyName, a label that may be translated) and by
  ``configoptionN``, defaults to the module's own Default, and is checked by its declared type
  (yesno 'on'/'', dropdown/radio one of the choices the module offered when read, text one line);
* more than 24 settings cannot be stored (tblproducts has configoption1..24): refused.

``choices_known=False`` (a read without a database, before installing) leaves the dropdown
choices of the added settings unchecked: they are only known on the host (whmcs_product reads
them there).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from typing import Any, List, Mapping, NamedTuple, Sequence, Tuple

from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.module_config_options import (
    ModuleSchemaError,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.product_settings import (
    MAX_SLOTS,
    NO_WORDS,
    OPTIONS,
    YES_WORDS,
    OptionSpec,
)

__all__ = ["ModuleSchema", "ModuleSchemaError", "check_schema_matches", "module_schema"]

# More changed defaults than this means settings moved slots.
MAX_CHANGED_DEFAULTS = 1
_KIND_OF_TYPE = {
    "text": "text",
    "password": "text",
    "yesno": "yesno",
    "dropdown": "choice",
    "radio": "choice",
    "textarea": "multiline",
}


class ModuleSchema(NamedTuple):
    """The module's settings in slot order, and warnings (a changed default) to show the user."""

    specs: Tuple[OptionSpec, ...]
    warnings: Tuple[str, ...]

    @property
    def added(self) -> Tuple[OptionSpec, ...]:
        """The settings past the 23 named ones."""
        return tuple(spec for spec in self.specs if spec.from_module)


NAMED_SCHEMA = ModuleSchema(OPTIONS, ())


def _stored_yes_no(default: str) -> str:
    word = default.strip().lower()
    return "on" if word in YES_WORDS else "" if word in NO_WORDS else default


def _label(spec: OptionSpec, field: Mapping[str, Any]) -> str:
    return "slot %d (%s; the module calls it %r)" % (
        spec.slot,
        spec.name,
        field.get("FriendlyName") or field.get("key"),
    )


def _named_slot_problems(
    spec: OptionSpec, field: Mapping[str, Any], changed_defaults: List[str]
) -> List[str]:
    label = _label(spec, field)
    module_type = str(field.get("Type") or "").strip().lower()
    if module_type != spec.whmcs_type:
        return ["%s is of type %r, expected %r" % (label, module_type, spec.whmcs_type)]
    default = "" if field.get("Default") is None else str(field.get("Default"))
    if spec.kind == "yesno":
        default = _stored_yes_no(default)
    if default != spec.default:
        changed_defaults.append("%s defaults to %r, expected %r" % (label, default, spec.default))
    if spec.kind == "choice":
        choices = tuple(str(choice).strip().lower() for choice in field.get("Options") or ())
        if choices != spec.choices:
            return [
                "%s offers %s, expected %s"
                % (label, ", ".join(choices) or "nothing", ", ".join(spec.choices))
            ]
    return []


def _added_spec(slot: int, field: Mapping[str, Any], choices_known: bool) -> Tuple[OptionSpec, List[str]]:
    """The spec of a setting past the named ones; problems when its type cannot be stored."""
    key = str(field.get("key") or "").strip()
    module_type = str(field.get("Type") or "").strip().lower()
    raw_key = "configoption%d" % slot
    named = {spec.name.lower() for spec in OPTIONS}
    # A numeric key (a list), or one that is already a named option or a raw key, is reachable by slot only.
    name = (
        key
        if key
        and not key.isdigit()
        and key.lower() not in named
        and not key.lower().startswith("configoption")
        else raw_key
    )
    kind = _KIND_OF_TYPE.get(module_type)
    if kind is None:
        problem = "slot %d (%r) is of type %r, which WHMCS does not store in a product setting" % (
            slot,
            field.get("FriendlyName") or key,
            module_type,
        )
        return OptionSpec(name, slot, module_type, "", "text", "", from_module=True), [problem]
    choices = tuple(str(choice) for choice in field.get("Options") or ()) if kind == "choice" else ()
    default = "" if field.get("Default") is None else str(field.get("Default"))
    if kind == "yesno":
        default = _stored_yes_no(default)
    if kind == "choice" and default not in choices and choices:
        default = choices[0]  # what the admin form shows selected without a valid Default (guess, see docs)
    meaning = str(field.get("FriendlyName") or key)
    spec = OptionSpec(name, slot, module_type, default, kind, meaning, choices=choices, from_module=True)
    if kind == "choice" and not choices_known:
        spec = spec._replace(kind="text")  # its choices come from the host; checked there
    return spec, []


def module_schema(declared: Sequence[Mapping[str, Any]], choices_known: bool = True) -> ModuleSchema:
    """The settings ``declared`` by the module's ConfigOptions; ModuleSchemaError when names would move."""
    problems: List[str] = []
    changed_defaults: List[str] = []
    if len(declared) < len(OPTIONS):
        problems.append(
            "the module declares %d settings, fewer than the %d named ones" % (len(declared), len(OPTIONS))
        )
    if len(declared) > MAX_SLOTS:
        problems.append(
            "the module declares %d settings; WHMCS stores at most %d (configoption1..%d), so settings %d.. "
            "could not be saved" % (len(declared), MAX_SLOTS, MAX_SLOTS, MAX_SLOTS + 1)
        )
    for spec, field in zip(OPTIONS, declared):  # noqa: B905 - strict= needs Python 3.10
        problems.extend(_named_slot_problems(spec, field, changed_defaults))
    added: List[OptionSpec] = []
    for slot, field in enumerate(declared[len(OPTIONS) : MAX_SLOTS], start=len(OPTIONS) + 1):
        spec, spec_problems = _added_spec(slot, field, choices_known)
        added.append(spec)
        problems.extend(spec_problems)
    if len(changed_defaults) > MAX_CHANGED_DEFAULTS:
        problems.extend(changed_defaults)
    if problems:
        raise ModuleSchemaError(
            "the module's settings do not match the named options, so names could land in the "
            "wrong configoption slots: %s. Nothing was written; install a module release this "
            "collection supports, or update the collection" % "; ".join(problems)
        )
    warnings = tuple(
        "%s: the module release changed this default; the value you set (or the named default) is written"
        % warning
        for warning in changed_defaults
    )
    return ModuleSchema(OPTIONS + tuple(added), warnings)


def check_schema_matches(declared: Sequence[Mapping[str, Any]]) -> List[str]:
    """Refuse a module whose first 23 settings are not the named ones (no database: choices unchecked); warnings."""
    return list(module_schema(declared, choices_known=False).warnings)
