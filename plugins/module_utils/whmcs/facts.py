# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read-only facts about one WHMCS host: tree, PHP, database, version, cron, SmarterMail rows.

Nothing here fails on a broken host: each problem is recorded next to the fact it concerns
(``php_error``, ``config_error``, ``db_error``...) so the preflight role can turn it into one
sentence with the next step. No secret from configuration.php is ever returned.
"""

from __future__ import absolute_import, annotations, division, print_function

__metaclass__ = type

import datetime
import getpass
import json
import os
import re
import subprocess
from typing import Any, Dict, Optional, Tuple

from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.configuration import (
    WhmcsConfigError,
    crons_path,
    database_address,
    read_whmcs_config,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.cron import (
    CronScheduleError,
    parse_schedule,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.database import (
    WhmcsDbError,
    connect,
    get_setting,
    parse_whmcs_version,
)

PHP_TIMEOUT_SECONDS = 20
SERVER_TYPE = "smartermail"
CRON_SETTINGS = {
    "last_invocation": "lastCronInvocationTime",
    "last_daily_invocation": "lastDailyCronInvocationTime",
    "last_daily_end": "lastDailyCronEndTime",
    "time_zone": "cronTimeZone",
    "daily_hour": "DailyCronExecutionHour",
}
_PHP_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)")
_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def php_version(php_binary: str) -> Dict[str, Any]:
    """{'php_version': '8.2.7', 'php_version_info': [8, 2, 7], 'php_error': None} from the PHP CLI."""
    facts: Dict[str, Any] = {"php_version": None, "php_version_info": None, "php_error": None}
    try:
        done = subprocess.run(
            [php_binary, "-r", "echo PHP_VERSION;"],
            capture_output=True,
            text=True,
            timeout=PHP_TIMEOUT_SECONDS,
            check=False,
        )
    except FileNotFoundError:
        facts["php_error"] = "the PHP CLI %r was not found on this host" % php_binary
        return facts
    except PermissionError:
        facts["php_error"] = "the PHP CLI %r is not executable" % php_binary
        return facts
    except subprocess.TimeoutExpired:
        facts["php_error"] = "%s -r 'echo PHP_VERSION;' did not finish within %d s" % (
            php_binary,
            PHP_TIMEOUT_SECONDS,
        )
        return facts
    output = done.stdout.strip()
    match = _PHP_VERSION.match(output)
    if done.returncode != 0 or not match:
        detail = (done.stderr.strip() or output)[:300]
        facts["php_error"] = "%s exited %d without a PHP version: %s" % (php_binary, done.returncode, detail)
        return facts
    facts["php_version"] = output
    facts["php_version_info"] = [int(part) for part in match.groups()]
    return facts


def tree_facts(whmcs_root: str) -> Dict[str, Any]:
    """Which WHMCS landmarks exist under the root."""
    checks = {
        "configuration_php": os.path.isfile(os.path.join(whmcs_root, "configuration.php")),
        "init_php": os.path.isfile(os.path.join(whmcs_root, "init.php")),
        "modules_servers": os.path.isdir(os.path.join(whmcs_root, "modules", "servers")),
    }
    return {
        "whmcs_root": whmcs_root,
        "whmcs_root_exists": os.path.isdir(whmcs_root),
        "root_checks": checks,
        "looks_like_whmcs": all(checks.values()),
        "smartermail_module_installed": os.path.isfile(
            os.path.join(whmcs_root, "modules", "servers", SERVER_TYPE, SERVER_TYPE + ".php")
        ),
    }


def _age_seconds(stamp: Optional[str], now: datetime.datetime) -> Optional[int]:
    """Seconds since a WHMCS 'Y-m-d H:i:s' stamp, by this host's local clock (None if unparsable)."""
    try:
        return int((now - datetime.datetime.strptime(stamp or "", _TIME_FORMAT)).total_seconds())
    except ValueError:
        return None


def _transient(connection: Any, name: str) -> Optional[str]:
    """A tbltransientdata value (WHMCS 7.x kept lastCronInvocationTime there); None if absent."""
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT data FROM tbltransientdata WHERE name = %s ORDER BY id DESC LIMIT 1",
                (name,),
            )
            row = cursor.fetchone()
    except Exception:  # an 8.x database may lack the table; that only means "not there"
        return None
    if not row:
        return None
    data = row["data"]
    try:
        decoded = json.loads(data)  # WHMCS may store it JSON-encoded
    except ValueError:
        return data
    return decoded if isinstance(decoded, str) else data


def cron_facts(connection: Any, now: datetime.datetime) -> Dict[str, Any]:
    cron: Dict[str, Any] = {key: get_setting(connection, setting) for key, setting in CRON_SETTINGS.items()}
    cron["last_invocation_source"] = "tblconfiguration" if cron["last_invocation"] else None
    if not cron["last_invocation"]:
        legacy = _transient(connection, "lastCronInvocationTime")
        if legacy:
            cron["last_invocation"] = legacy
            cron["last_invocation_source"] = "tbltransientdata"
    hour = (cron["daily_hour"] or "").strip()
    cron["daily_hour"] = int(hour) if hour.isdigit() and int(hour) < 24 else None
    cron["last_invocation_age_seconds"] = _age_seconds(cron["last_invocation"], now)
    cron["last_daily_invocation_age_seconds"] = _age_seconds(cron["last_daily_invocation"], now)
    return cron


def _count(connection: Any, sql: str, parameters: Tuple[Any, ...]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        return int(cursor.fetchone()["n"])


def smartermail_counts(connection: Any) -> Dict[str, int]:
    server_sql = "SELECT COUNT(*) AS n FROM tblservers WHERE type = %s"
    return {
        "servers": _count(connection, server_sql, (SERVER_TYPE,)),
        "servers_active": _count(connection, server_sql + " AND active = 1", (SERVER_TYPE,)),
        "servers_enabled": _count(connection, server_sql + " AND disabled = 0", (SERVER_TYPE,)),
        "products": _count(
            connection, "SELECT COUNT(*) AS n FROM tblproducts WHERE servertype = %s", (SERVER_TYPE,)
        ),
    }


def database_facts(connection: Any, now: datetime.datetime) -> Dict[str, Any]:
    facts: Dict[str, Any] = {"whmcs_version": get_setting(connection, "Version"), "whmcs_version_info": None}
    if facts["whmcs_version"]:
        try:
            version = parse_whmcs_version(facts["whmcs_version"])
        except ValueError as error:
            facts["whmcs_version_error"] = str(error)
        else:
            facts["whmcs_version_info"] = dict(version._asdict(), text="%d.%d.%d" % version[:3])
    facts["update_stats_auto"] = get_setting(connection, "UpdateStatsAuto")
    facts["cron"] = cron_facts(connection, now)
    facts["smartermail"] = smartermail_counts(connection)
    return facts


def gather_whmcs_facts(
    whmcs_root: str,
    php_binary: str = "php",
    db_socket: Optional[str] = None,
    connect_timeout: float = 10,
    cron_schedule: Optional[str] = None,
    now: Optional[datetime.datetime] = None,
) -> Dict[str, Any]:
    """Everything the preflight and cron roles need to know about one WHMCS host."""
    now = now or datetime.datetime.now()
    root = os.path.abspath(whmcs_root)
    facts = tree_facts(root)
    facts["run_as_user"] = getpass.getuser()
    facts["php_binary"] = php_binary
    facts.update(php_version(php_binary))
    facts.update(config_error=None, db_reachable=False, db_error=None, db_error_kind=None, whmcs_version=None)
    try:
        config = read_whmcs_config(root, php_binary=php_binary)
    except WhmcsConfigError as error:
        facts["config_error"] = str(error)
        config = None
    if config is not None:
        facts["config_source"] = config.source
        facts["crons_dir"] = crons_path(config, root)
        facts["crons_dir_custom"] = bool(config.crons_dir)
    else:
        facts["crons_dir"] = os.path.join(root, "crons")
        facts["crons_dir_custom"] = False
    facts["cron_php"] = os.path.join(facts["crons_dir"], "cron.php")
    facts["cron_php_exists"] = os.path.isfile(facts["cron_php"])
    if config is not None:
        facts.update(_database_part(config, db_socket, connect_timeout, now))
    if cron_schedule is not None:
        facts.update(schedule_facts(cron_schedule, (facts.get("cron") or {}).get("daily_hour")))
    return facts


def _database_part(
    config: Any, db_socket: Optional[str], connect_timeout: float, now: datetime.datetime
) -> Dict[str, Any]:
    facts: Dict[str, Any] = {"db_name": config.db_name}
    connection = None
    try:
        host, port, unix_socket = database_address(config, db_socket)
        facts["db_address"] = unix_socket or "%s:%d" % (host, port)
        connection = connect(config, socket=db_socket, connect_timeout=connect_timeout)
        facts["db_reachable"] = True
        facts.update(database_facts(connection, now))
    except (WhmcsConfigError, WhmcsDbError) as error:
        facts["db_error"] = str(error)
        facts["db_error_kind"] = getattr(error, "kind", "config")
    except Exception as error:  # a query on a damaged or foreign schema: report, never a traceback
        facts["db_error"] = "reading the WHMCS database failed: %s" % (
            error.args[-1] if error.args else error
        )
        facts["db_error_kind"] = "query"
    finally:
        if connection is not None:
            connection.close()
    return facts


def schedule_facts(schedule: str, daily_hour: Optional[int]) -> Dict[str, Any]:
    """The schedule checked against WHMCS's rules: parsed fields, or the problem as a sentence."""
    try:
        parsed = parse_schedule(schedule, daily_hour)
    except CronScheduleError as error:
        return {"cron_schedule": None, "cron_schedule_problem": str(error)}
    return {"cron_schedule": parsed.as_dict(), "cron_schedule_problem": None}
