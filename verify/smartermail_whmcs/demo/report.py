"""What the demo reads back and reports: each host's WHMCS side, and ansible-playbook's recap."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.configuration import (
    WhmcsConfigError,
    read_whmcs_config,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.database import (
    WhmcsDbError,
    connect,
    get_whmcs_version,
)

from smartermail_whmcs.errors import StageError

# "whmcs1   : ok=2    changed=0    unreachable=0    failed=0    skipped=0 ..."
RECAP_LINE = re.compile(r"^(?P<host>\S+)\s+:\s+(?P<counts>(?:\w+=\d+\s*)+)$")


@dataclass
class WhmcsHostReport:
    name: str
    version: str
    database: str


def read_whmcs_host(name: str, whmcs_root: Path) -> WhmcsHostReport:
    """Read configuration.php the way the modules do, connect, and read the WHMCS version."""
    try:
        config = read_whmcs_config(str(whmcs_root))
        connection = connect(config)
        try:
            version = get_whmcs_version(connection)
        finally:
            connection.close()
    except (WhmcsConfigError, WhmcsDbError) as error:
        raise StageError(f"{name}: {error}") from error
    return WhmcsHostReport(
        name=name, version=version, database=f"{config.db_name}@{config.db_host}:{config.db_port}"
    )


def parse_recap(output: str) -> dict[str, dict[str, int]]:
    """Per-host counters from the PLAY RECAP block of ansible-playbook's default output."""
    recap: dict[str, dict[str, int]] = {}
    in_recap = False
    for line in output.splitlines():
        if line.startswith("PLAY RECAP"):
            in_recap = True
            continue
        match = RECAP_LINE.match(line.strip()) if in_recap else None
        if match:
            counts = dict(pair.split("=") for pair in match.group("counts").split())
            recap[match.group("host")] = {key: int(value) for key, value in counts.items()}
    return recap
