# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What fails a strict run besides failed checks: every warning, and TLS certificate checks turned off.

``verify --strict`` and ``smartermail_fail_on_warnings: true`` (the verify role) share this list,
named after ansible-lint's and yamllint's ``--strict`` (non-zero exit on warnings too).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from typing import Any, Iterable, List, Mapping

from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.tls_off import tls_checks_off
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.model import WARN, CheckResult
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.report import check_lines


def warning_lines(results: Iterable[CheckResult]) -> List[str]:
    """One line per check that warned: 'target/id: summary (hint: ...)'."""
    return check_lines(results, WARN)


def tls_off_names(targets: Iterable[Mapping[str, Any]]) -> List[str]:
    """The names of the targets (settings dicts) that use HTTPS without checking certificates."""
    return [
        target["name"] for target in targets if tls_checks_off(target.get("secure"), target.get("verify_tls"))
    ]


def strict_findings(
    results: Iterable[CheckResult], targets: Iterable[Mapping[str, Any]], setting: str
) -> List[str]:
    """Each target with certificate checks off (``setting`` names the switch), then each warning."""
    lines = ["%s: TLS certificate checks are off (%s)" % (name, setting) for name in tls_off_names(targets)]
    return lines + warning_lines(results)
