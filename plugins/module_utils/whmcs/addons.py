# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What WHMCS records for an active addon module, and the plan to get there (whmcs_addon).

The records (researched in /work/addon-facts.md, from WHMCS 8's Setup > Addon Modules page):

* ``tblconfiguration.ActiveAddonModules``: the active addons' folder names, sorted, comma-separated;
* ``tbladdonmodules`` (module, setting, value): ``version`` (the config version, "1.0" when the
  config has none), ``access`` (the admin role ids allowed, comma-separated) and one row per
  config field holding its value (the field's default until an admin saves another);
* ``tblconfiguration.AddonModulesHooks``: the active addons that ship a hooks.php (the only list
  WHMCS reads at bootstrap to load addon hooks);
* ``tblconfiguration.AddonModulesPerms``: PHP ``serialize([roleid => [module => display name]])``
  for every role in an active addon's access row.

Activating is the Activate button (run ``<name>_activate()``, record ActiveAddonModules and
``version``), then ticking the roles and Save Changes (``access``, field defaults), then the page
display (hooks and perms lists, ``<name>_upgrade()`` when the stored version differs).
Deactivating runs ``<name>_deactivate()`` and removes the addon's rows and list entries; the
tables the addon made stay (WHMCS drops nothing itself).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Sequence, Tuple

ACTIVE = "ActiveAddonModules"
HOOKS = "AddonModulesHooks"
PERMS = "AddonModulesPerms"
DEFAULT_VERSION = "1.0"
DEFAULT_ACCESS = ("Full Administrator",)


class AddonConfig(NamedTuple):
    """What ``<name>_config()`` says, as WHMCS uses it."""

    display_name: str
    version: str
    field_defaults: Dict[str, str]
    has_hooks: bool


def split_list(value: Optional[str]) -> List[str]:
    return [item for item in (value or "").split(",") if item]


def field_default(field: Mapping[str, Any]) -> str:
    """The value the config form submits for a field nobody touched (what Save Changes stores)."""
    kind = str(field.get("Type") or "text")
    default = field.get("Default")
    default = "" if default is None else str(default)
    if kind == "yesno":
        return "on" if default not in ("", "off", "disabled") else ""
    options = field.get("Options")
    if kind == "dropdown" and default == "" and options:
        choices = list(options) if isinstance(options, (dict, list)) else str(options).split(",")
        return str(choices[0]) if choices else ""
    return default


def addon_config(config: Any, name: str, has_hooks: bool) -> AddonConfig:
    config = config if isinstance(config, dict) else {}
    fields = config.get("fields") if isinstance(config.get("fields"), dict) else {}
    defaults = dict(
        (str(key), field_default(field if isinstance(field, dict) else {})) for key, field in fields.items()
    )
    version = str(config.get("version") or "") or DEFAULT_VERSION
    return AddonConfig(str(config.get("name") or name), version, defaults, has_hooks)


def php_serialize(value: Any) -> str:
    """PHP's serialize() for the nested dicts of int/str AddonModulesPerms holds."""
    if isinstance(value, dict):
        items = "".join(php_serialize(key) + php_serialize(item) for key, item in value.items())
        return "a:%d:{%s}" % (len(value), items)
    if isinstance(value, int):
        return "i:%d;" % value
    text = str(value)
    return 's:%d:"%s";' % (len(text.encode("utf-8")), text)


def perms_value(access: Mapping[str, str], names: Mapping[str, str], roles: Sequence[int]) -> str:
    """AddonModulesPerms rebuilt as the page display does: roles in tbladminroles order, addons sorted."""
    perms: Dict[int, Dict[str, str]] = {}
    for role in roles:
        for module in sorted(access):
            # An active addon whose files are gone is left out, as the page display does.
            if module in names and str(role) in split_list(access[module]):
                perms.setdefault(role, {})[module] = names.get(module, module)
    return php_serialize(perms)


class AddonState(NamedTuple):
    """The records of one addon (rows in id order) and the three tblconfiguration lists."""

    rows: List[Tuple[str, str]]
    active: str
    hooks: str
    perms: str

    def settings(self) -> Dict[str, str]:
        return dict(self.rows)

    def describe(self, name: str) -> str:
        lines = ["tbladdonmodules %s.%s = %r" % (name, setting, value) for setting, value in self.rows]
        lines += [
            "tblconfiguration %s = %r" % (ACTIVE, self.active),
            "tblconfiguration %s = %r" % (HOOKS, self.hooks),
            "tblconfiguration %s = %r" % (PERMS, self.perms),
        ]
        return "".join(line + "\n" for line in lines)


class AddonPlan(NamedTuple):
    """What whmcs_addon will do: ``step`` is the addon function to run first (or None)."""

    name: str
    step: Optional[str]
    before: AddonState
    after: AddonState
    upgrade_from: Optional[str]

    @property
    def changed(self) -> bool:
        return self.step is not None or self.before != self.after


def plan_active(
    name: str,
    before: AddonState,
    config: AddonConfig,
    role_ids: List[int],
    roles: Sequence[int],
    other_access: Mapping[str, str],
    names: Mapping[str, str],
) -> AddonPlan:
    """Activate (or upgrade, or only fix access and field rows) so that the records match WHMCS's."""
    active = split_list(before.active)
    settings = before.settings()
    step: Optional[str] = None
    upgrade_from: Optional[str] = None
    rows = list(before.rows)
    if name not in active:
        step = "activate"
        active = sorted([*active, name])
        rows = [row for row in rows if row[0] != "version"] + [("version", config.version)]
    elif settings.get("version") != config.version:
        step, upgrade_from = "upgrade", settings.get("version")
        rows = [(key, config.version if key == "version" else value) for key, value in rows]
        if "version" not in settings:
            rows.append(("version", config.version))
    access = ",".join(str(role) for role in sorted(set(role_ids)))
    rows = [row for row in rows if row[0] != "access"] + [("access", access)]
    if settings.get("access") == access:
        rows = list(before.rows) if step is None else rows
    for key, default in config.field_defaults.items():
        if key not in dict(rows):
            rows.append((key, default))
    hooks = sorted(set(split_list(before.hooks)) - {name} | ({name} if config.has_hooks else set()))
    all_access = dict(other_access, **{name: access})
    after = AddonState(rows, ",".join(active), ",".join(hooks), perms_value(all_access, names, roles))
    return AddonPlan(name, step, before, after, upgrade_from)


def plan_inactive(
    name: str,
    before: AddonState,
    roles: Sequence[int],
    other_access: Mapping[str, str],
    names: Mapping[str, str],
) -> AddonPlan:
    """Deactivate: _deactivate() when active, then the addon's rows and list entries go."""
    active = split_list(before.active)
    if name not in active and not before.rows:
        return AddonPlan(name, None, before, before, None)
    hooks = [item for item in split_list(before.hooks) if item != name]
    after = AddonState(
        [],
        ",".join(item for item in active if item != name),
        ",".join(hooks),
        perms_value(other_access, names, roles),
    )
    return AddonPlan(name, "deactivate" if name in active else None, before, after, None)
