# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SmarterMail server row in WHMCS (tblservers), as Configuration > Servers > Add New Server writes it.

Pure parts (validation, the stored form of each value) are separate from the database parts:
``plan_server`` / ``plan_server_removal`` read the rows and decide, ``apply_server_plan`` writes,
both with one cursor inside one ``database.transaction`` (the whmcs_server module's skeleton opens
it). Check mode runs the same plan and skips only the writes. The password is stored ``encrypt()``ed with the host's
``cc_encryption_hash`` and compared decrypted (encryption is randomised, so ciphertexts always
differ). Diffs and errors never hold the password.
"""

from __future__ import absolute_import, annotations, division, print_function

__metaclass__ = type

import ipaddress
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from ansible_collections.astral360.smartermail.plugins.module_utils.common.hostnames import (
    HostnameError,
    normalize_hostname,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.common.redaction import MASK, MASK_CHANGED
from ansible_collections.astral360.smartermail.plugins.module_utils.common.sql import insert_row, update_row
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.errors import WhmcsChangeError
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.password_crypto import (
    passwords_equal,
    whmcs_encrypt,
)

SERVER_TYPE = "smartermail"
# The module's MetaData DefaultSSLPort / DefaultNonSSLPort (reference/module.md).
DEFAULT_SSL_PORT = 443
DEFAULT_NON_SSL_PORT = 9998
DEFAULT_MAX_ACCOUNTS = 200
# tblservergroups.filltype: 1 = add to the least full server, 2 = fill the active server until full.
FILL_TYPES = {"1": 1, "2": 2, "least_full": 1, "fill_until_full": 2}
FILL_TYPE_NAMES = {1: "least_full", 2: "fill_until_full"}
# NOT NULL text columns with no default that Add New Server fills with '' when the form leaves them empty.
_EMPTY_TEXT_COLUMNS = (
    "assignedips",
    "noc",
    "statusaddress",
    "nameserver1",
    "nameserver1ip",
    "nameserver2",
    "nameserver2ip",
    "nameserver3",
    "nameserver3ip",
    "nameserver4",
    "nameserver4ip",
    "nameserver5",
    "nameserver5ip",
    "accesshash",
)
# Columns this toolkit manages on an existing row (others are left as the admin set them).
MANAGED_COLUMNS = ("hostname", "ipaddress", "port", "secure", "username", "maxaccounts", "disabled")


class WhmcsServerError(WhmcsChangeError):
    """Bad server input or a refused change. ``option`` names the parameter at fault, when there is one."""


class ServerInUseError(WhmcsServerError):
    """state=absent refused: ``services`` tblhosting rows still use the server."""

    def __init__(self, message: str, services: int) -> None:
        super().__init__(message, option="state", details={"services": services})
        self.services = services


@dataclass
class ServerGroupSpec:
    name: str
    fill_type: int


@dataclass
class ServerSpec:
    """A validated, trimmed server definition."""

    name: str
    hostname: str
    ip_address: str
    port: Optional[int]
    secure: bool
    username: str
    password: str = field(repr=False)
    max_accounts: int
    disabled: bool
    group: Optional[ServerGroupSpec] = None

    @property
    def stored_port(self) -> Optional[int]:
        return stored_port(self.port, self.secure)

    def columns(self) -> Dict[str, Any]:
        """The managed columns as WHMCS stores them (the password apart)."""
        return {
            "hostname": self.hostname,
            "ipaddress": self.ip_address,
            "port": self.stored_port,
            "secure": "on" if self.secure else "",
            "username": self.username,
            "maxaccounts": self.max_accounts,
            "disabled": 1 if self.disabled else 0,
        }


@dataclass
class ServerPlan:
    """What apply_server_plan() will do; the public fields are the module's result."""

    action: str  # 'create', 'update', 'none', 'delete'
    server_id: Optional[int]
    changed_fields: List[str]
    password_changed: bool
    before: Dict[str, Any]
    after: Dict[str, Any]
    spec: Optional[ServerSpec] = field(default=None, repr=False)
    updates: Dict[str, Any] = field(default_factory=dict)
    active: int = 0
    group_state: Optional[Dict[str, Any]] = None

    @property
    def changed(self) -> bool:
        return bool(self.changed_fields)


def stored_port(port: Optional[int], secure: bool) -> Optional[int]:
    """NULL (None) when no port is given or it equals the module default for the SSL mode."""
    if port is None:
        return None
    default = DEFAULT_SSL_PORT if secure else DEFAULT_NON_SSL_PORT
    return None if port == default else port


def effective_port(port: Optional[int], secure: bool) -> int:
    """The port WHMCS hands the module: the stored one, else the module default."""
    if port is not None:
        return port
    return DEFAULT_SSL_PORT if secure else DEFAULT_NON_SSL_PORT


def row_endpoint(row: Dict[str, Any]) -> Tuple[str, Optional[int], bool]:
    """(hostname, port or None, secure) as WHMCS builds the module's connection from a tblservers row.

    The IP address stands in for an empty host name; a NULL or 0 port means the module default.
    """
    hostname = str(row.get("hostname") or "").strip() or str(row.get("ipaddress") or "").strip()
    secure = str(row.get("secure") or "").strip().lower() == "on"
    port = int(row["port"]) if row.get("port") not in (None, "", 0) else None
    return hostname, port, secure


def fill_type_number(value: Any) -> int:
    """1|2|'least_full'|'fill_until_full' → 1 or 2."""
    key = str(value).strip().lower()
    if key not in FILL_TYPES:
        raise WhmcsServerError(
            "server_group.fill_type %r is not allowed; use 1 or least_full (add to the least full "
            "server), 2 or fill_until_full (fill the active server until full)" % (value,),
            option="server_group.fill_type",
        )
    return FILL_TYPES[key]


def _text(value: Any, option: str, required: bool) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise WhmcsServerError("%s must not be empty" % option, option=option)
    return text


def _check_hostname(hostname: str) -> None:
    """The SmarterMail client's own rule (common/hostnames.py): WHMCS stores no name the client refuses."""
    try:
        normalize_hostname(hostname)
    except HostnameError as error:
        raise WhmcsServerError("hostname %s %s." % (error.shown, error.reason), option="hostname") from None


def _check_port(port: Any) -> Optional[int]:
    if port is None or port == "":
        return None
    try:
        number = int(port)
    except (TypeError, ValueError):
        number = None
    if number is None or str(port).strip() != str(number) or not 1 <= number <= 65535:
        raise WhmcsServerError(
            "port %r is not a TCP port: give a whole number from 1 to 65535, or leave it out for the "
            "module default (%d with secure, %d without)" % (port, DEFAULT_SSL_PORT, DEFAULT_NON_SSL_PORT),
            option="port",
        )
    return number


def _check_ip(ip_address: str) -> None:
    if not ip_address:
        return
    try:
        ipaddress.ip_address(ip_address)
    except ValueError:
        raise WhmcsServerError(
            "ip_address %r is not an IPv4 or IPv6 address (leave it empty if unknown)" % ip_address,
            option="ip_address",
        ) from None


def server_spec_from_params(params: Dict[str, Any]) -> ServerSpec:
    """Validate and trim module parameters (state present) into a ServerSpec; WhmcsServerError if bad."""
    name = _text(params.get("name"), "name", True)
    hostname = _text(params.get("hostname"), "hostname", True)
    _check_hostname(hostname)
    ip_address = _text(params.get("ip_address"), "ip_address", False)
    _check_ip(ip_address)
    port = _check_port(params.get("port"))
    username = _text(params.get("username"), "username", True)
    password = params.get("password")
    if password is None or not str(password).strip():
        raise WhmcsServerError(
            "password must be given (the SmarterMail sysadmin password)", option="password"
        )
    max_accounts = params.get("max_accounts")
    max_accounts = DEFAULT_MAX_ACCOUNTS if max_accounts is None else max_accounts
    if not isinstance(max_accounts, int) or isinstance(max_accounts, bool) or max_accounts < 0:
        raise WhmcsServerError(
            "max_accounts %r must be a whole number >= 0" % (max_accounts,), option="max_accounts"
        )
    group = None
    group_params = params.get("server_group")
    if group_params:
        group = ServerGroupSpec(
            name=_text(group_params.get("name"), "server_group.name", True),
            fill_type=fill_type_number(group_params.get("fill_type", 1)),
        )
    return ServerSpec(
        name=name,
        hostname=hostname,
        ip_address=ip_address,
        port=port,
        secure=bool(params.get("secure", True)),
        username=username,
        password=str(password).strip(),  # WHMCS trims the password before encrypt()
        max_accounts=max_accounts,
        disabled=bool(params.get("disabled", False)),
        group=group,
    )


def public_view(row: Optional[Dict[str, Any]], password: str = MASK) -> Dict[str, Any]:
    """A tblservers row as shown in diffs and results: the password masked."""
    if not row:
        return {}
    view = {column: row.get(column) for column in ("name", "type", *MANAGED_COLUMNS, "active")}
    view["password"] = password
    return view


# ---- database -----------------------------------------------------------------------------------


def _servers_named(cursor: Any, name: str) -> List[Dict[str, Any]]:
    cursor.execute("SELECT * FROM tblservers WHERE name = %s ORDER BY id FOR UPDATE", (name,))
    return list(cursor.fetchall())


def find_server(cursor: Any, name: str) -> Optional[Dict[str, Any]]:
    """The smartermail tblservers row called ``name``; WhmcsServerError if the name is taken or ambiguous."""
    rows = _servers_named(cursor, name)
    foreign = [row for row in rows if row["type"] != SERVER_TYPE]
    if foreign:
        raise WhmcsServerError(
            "a WHMCS server named %r already exists with module type %r (id %d); choose another name "
            "for the SmarterMail server" % (name, foreign[0]["type"], foreign[0]["id"]),
            option="name",
        )
    if len(rows) > 1:
        raise WhmcsServerError(
            "%d smartermail servers are named %r (ids %s); rename or delete the extra ones in WHMCS "
            "so the name identifies one server"
            % (len(rows), name, ", ".join(str(row["id"]) for row in rows)),
            option="name",
        )
    return rows[0] if rows else None


def _other_active_exists(cursor: Any, server_id: Optional[int]) -> bool:
    cursor.execute(
        "SELECT COUNT(*) AS n FROM tblservers WHERE type = %s AND active = 1 AND id <> %s",
        (SERVER_TYPE, server_id or 0),
    )
    return int(cursor.fetchone()["n"]) > 0


_ALL_COLUMNS = frozenset(
    ("name", "monthlycost", "type", "password", "active", *MANAGED_COLUMNS, *_EMPTY_TEXT_COLUMNS)
)


def _known_columns(values: Dict[str, Any]) -> List[str]:
    """Sorted column names, all from this module's fixed list (they are spliced into SQL)."""
    unknown = set(values) - _ALL_COLUMNS
    if unknown:
        raise ValueError("not a tblservers column this module writes: %s" % ", ".join(sorted(unknown)))
    return sorted(values)


def _insert_server(cursor: Any, spec: ServerSpec, cc_encryption_hash: str, active: int) -> int:
    values: Dict[str, Any] = {
        "name": spec.name,
        "monthlycost": "0.00",
        "type": SERVER_TYPE,
        "password": whmcs_encrypt(spec.password, cc_encryption_hash),
        "active": active,
    }
    values.update(spec.columns())
    values.update({column: "" for column in _EMPTY_TEXT_COLUMNS})
    return insert_row(cursor, "tblservers", {column: values[column] for column in _known_columns(values)})


def _update_server(cursor: Any, server_id: int, values: Dict[str, Any]) -> None:
    update_row(cursor, "tblservers", server_id, {column: values[column] for column in _known_columns(values)})


def _group_state(cursor: Any, group: ServerGroupSpec, server_id: Optional[int]) -> Dict[str, Any]:
    """What exists of ``group`` now: its row (id, filltype) and whether the server is in it."""
    cursor.execute(
        "SELECT id, filltype FROM tblservergroups WHERE name = %s ORDER BY id FOR UPDATE", (group.name,)
    )
    rows = list(cursor.fetchall())
    if len(rows) > 1:
        raise WhmcsServerError(
            "%d server groups are named %r (ids %s); keep one in WHMCS so the name identifies it"
            % (len(rows), group.name, ", ".join(str(row["id"]) for row in rows)),
            option="server_group.name",
        )
    group_id = rows[0]["id"] if rows else None
    member = False
    if group_id is not None and server_id is not None:
        cursor.execute(
            "SELECT COUNT(*) AS n FROM tblservergroupsrel WHERE groupid = %s AND serverid = %s",
            (group_id, server_id),
        )
        member = int(cursor.fetchone()["n"]) > 0
    return {"id": group_id, "fill_type": int(rows[0]["filltype"]) if rows else None, "member": member}


def _group_view(group: ServerGroupSpec, fill_type: Optional[int], member: bool) -> Dict[str, Any]:
    named = FILL_TYPE_NAMES.get(fill_type, fill_type) if fill_type is not None else None
    return {"name": group.name, "fill_type": named, "member": member}


def _apply_group(cursor: Any, group: ServerGroupSpec, state: Dict[str, Any], server_id: int) -> None:
    group_id = state["id"]
    if group_id is None:
        cursor.execute(
            "INSERT INTO tblservergroups (name, filltype) VALUES (%s, %s)", (group.name, group.fill_type)
        )
        group_id = int(cursor.lastrowid)
    elif state["fill_type"] != group.fill_type:
        cursor.execute("UPDATE tblservergroups SET filltype = %s WHERE id = %s", (group.fill_type, group_id))
    if not state["member"]:
        cursor.execute(
            "INSERT INTO tblservergroupsrel (groupid, serverid) VALUES (%s, %s)", (group_id, server_id)
        )


def plan_server(cursor: Any, spec: ServerSpec, cc_encryption_hash: str) -> ServerPlan:
    """How to create or update the server named ``spec.name`` (and its group); writes nothing."""
    row = find_server(cursor, spec.name)
    server_id = row["id"] if row else None
    other_active = _other_active_exists(cursor, server_id)
    wanted = spec.columns()
    updates: Dict[str, Any] = {}
    if row is None:
        action = "create"
        active = 0 if other_active else 1
        changed_fields = sorted([*wanted, "password", "active"])
        password_changed = True
        before: Dict[str, Any] = {}
        after = public_view(dict(wanted, name=spec.name, type=SERVER_TYPE, active=active))
    else:
        # Never steal the default; take it only when no smartermail server has it.
        active = 1 if int(row["active"] or 0) == 1 or not other_active else 0
        current = {column: row[column] for column in MANAGED_COLUMNS}
        current["maxaccounts"] = int(current["maxaccounts"])
        current["disabled"] = int(current["disabled"] or 0)
        updates = {column: value for column, value in wanted.items() if current[column] != value}
        if active != int(row["active"] or 0):
            updates["active"] = active
        password_changed = not passwords_equal(row["password"], spec.password, cc_encryption_hash)
        changed_fields = sorted(updates) + (["password"] if password_changed else [])
        action = "update" if changed_fields else "none"
        before = public_view(row)
        after = public_view(dict(row, **updates), MASK_CHANGED if password_changed else MASK)

    group_state = _group_state(cursor, spec.group, server_id) if spec.group else None
    if spec.group and group_state is not None:
        group_changed = (
            group_state["id"] is None
            or group_state["fill_type"] != spec.group.fill_type
            or not group_state["member"]
        )
        if group_changed:
            changed_fields.append("server_group")
            action = "update" if action == "none" else action
        if row is not None:
            before["server_group"] = (
                _group_view(spec.group, group_state["fill_type"], group_state["member"])
                if group_state["id"] is not None
                else None
            )
        after["server_group"] = _group_view(spec.group, spec.group.fill_type, True)
    return ServerPlan(
        action=action,
        server_id=server_id,
        changed_fields=changed_fields,
        password_changed=password_changed,
        before=before,
        after=after,
        spec=spec,
        updates=updates,
        active=active,
        group_state=group_state,
    )


def count_services(cursor: Any, server_id: int) -> int:
    """How many tblhosting rows (services, whatever their status) point at the server."""
    cursor.execute("SELECT COUNT(*) AS n FROM tblhosting WHERE server = %s", (server_id,))
    return int(cursor.fetchone()["n"])


def plan_server_removal(cursor: Any, name: str) -> ServerPlan:
    """How to delete the server and its group relations; refuses while services use it."""
    name = _text(name, "name", True)
    row = find_server(cursor, name)
    if row is None:
        return ServerPlan("none", None, [], False, {}, {})
    services = count_services(cursor, row["id"])
    if services:
        raise ServerInUseError(
            "the server %r (id %d) still has %d service(s) in tblhosting; move them to another server "
            "or terminate and delete them in WHMCS before removing it" % (name, row["id"], services),
            services,
        )
    return ServerPlan("delete", row["id"], ["state"], False, public_view(row), {})


def apply_server_plan(cursor: Any, plan: ServerPlan, cc_encryption_hash: str) -> Optional[int]:
    """Write the plan with ``cursor`` (inside the plan's transaction); returns the server's id."""
    server_id = plan.server_id
    if plan.action == "delete":
        cursor.execute("DELETE FROM tblservergroupsrel WHERE serverid = %s", (server_id,))
        cursor.execute("DELETE FROM tblservers WHERE id = %s", (server_id,))
        return server_id
    spec = plan.spec
    if spec is None or not plan.changed:
        return server_id
    if server_id is None:
        server_id = _insert_server(cursor, spec, cc_encryption_hash, plan.active)
    else:
        writes = dict(plan.updates)
        if plan.password_changed:
            writes["password"] = whmcs_encrypt(spec.password, cc_encryption_hash)
        if writes:
            _update_server(cursor, server_id, writes)
    if spec.group and plan.group_state is not None and "server_group" in plan.changed_fields:
        _apply_group(cursor, spec.group, plan.group_state, server_id)
    return server_id
