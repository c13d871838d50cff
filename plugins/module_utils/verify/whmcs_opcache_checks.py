# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""verify's opcache check: does the web server still run older module code than the files on disk?

The CLI's OPcache is not the web server's, so the question goes to the web server itself: a
one-shot PHP file (web_php_opcache.one_shot) in the WHMCS root, requested at WHMCS's SystemURL,
answers which of the module's PHP files its OPcache holds and since when; the file is removed right
after. That file is the only thing the WHMCS checks write; ``opcache_probe: false`` turns it off.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import pwd
from typing import Any, Dict, List, Optional, Tuple

from ansible_collections.astral360.smartermail.plugins.module_utils.verify.model import CheckFailed, Outcome
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.runner import TargetContext
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_context import (
    query,
    setting,
    whmcs_db,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.web_php_opcache import (
    OpcacheProbeError,
    module_php_mtimes,
    one_shot,
    stale_scripts,
    status_source,
)

FIX = (
    "reload the web server's PHP (systemctl reload php8.2-fpm, or apachectl graceful for mod_php), or set "
    "smartermail_php_fpm_service (or smartermail_opcache_reset) so the install playbook does it after "
    "every change of the module files"
)


def module_dirs(root: str) -> List[str]:
    """The server module's folder and the addon folders shipped with it that exist under ``root``."""
    dirs = [os.path.join(root, "modules", "servers", "smartermail")]
    addons = os.path.join(root, "modules", "addons")
    if os.path.isdir(addons):
        dirs += sorted(
            os.path.join(addons, name)
            for name in os.listdir(addons)
            if name.startswith("smartermail") and os.path.isdir(os.path.join(addons, name))
        )
    return [folder for folder in dirs if os.path.isdir(folder)]


def _system_url(context: TargetContext) -> str:
    with whmcs_db(context) as connection:
        rows = query(connection, "SELECT value FROM tblconfiguration WHERE setting = 'SystemURL'")
    return str(rows[0]["value"] or "") if rows else ""


def _owner(context: TargetContext) -> Optional[Tuple[int, int]]:
    user = setting(context, "whmcs_web_user")
    try:
        entry = pwd.getpwnam(user) if user else None
    except KeyError:
        return None
    return (entry.pw_uid, entry.pw_gid) if entry else None


def _when(stamp: Optional[int]) -> str:
    import datetime

    if not stamp:
        return "unknown"
    return datetime.datetime.fromtimestamp(stamp, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def _relative(root: str, path: str) -> str:
    real_root = os.path.join(os.path.realpath(root), "")
    return path[len(real_root) :] if path.startswith(real_root) else path


def check_opcache(context: TargetContext) -> Outcome:
    root = str(setting(context, "whmcs_root"))
    if setting(context, "opcache_probe", True) is False:
        return Outcome.skipped("turned off (opcache_probe: false): the web server's OPcache was not asked")
    dirs = module_dirs(root)
    if not dirs:
        return Outcome.skipped("the module is not installed under %s/modules: nothing to compare" % root)
    url = setting(context, "whmcs_web_url") or _system_url(context)
    if not url:
        return Outcome.skipped(
            "cannot tell: WHMCS's SystemURL is not set, so the web server's PHP cannot be asked about its OPcache"
        )
    try:
        answer = one_shot(
            root, url, status_source(dirs), ca_file=setting(context, "ca_file"), owner=_owner(context)
        )
    except OpcacheProbeError as error:
        return Outcome.skipped("cannot tell whether the web server runs the module files on disk: %s" % error)
    label = "the web server's PHP %s (%s, at %s)" % (answer.get("php_version"), answer.get("sapi"), url)
    details: Dict[str, Any] = {
        key: answer.get(key)
        for key in ("sapi", "php_version", "enabled", "validate_timestamps", "revalidate_freq", "url")
    }
    if answer.get("restricted"):
        return Outcome.skipped(
            "cannot tell: opcache.restrict_api of %s does not let a script in %s read OPcache's status"
            % (label, root),
            **details,
        )
    if not answer.get("enabled"):
        return Outcome.passed(
            "OPcache is off in %s: every request reads the module files on disk" % label, **details
        )
    mtimes = module_php_mtimes(dirs)
    stale, maybe = stale_scripts(answer, mtimes)
    cached = len(answer.get("scripts") or {})
    details.update(cached=cached, stale=stale, maybe_stale=maybe)
    if stale and answer.get("validate_timestamps"):
        return Outcome.passed(
            "%s still holds older code of %s, but validate_timestamps is on: OPcache compares the file "
            "times at their next use (at most every %d s) and re-reads them"
            % (
                label,
                ", ".join(_relative(root, entry["path"]) for entry in stale),
                int(answer.get("revalidate_freq") or 0),
            ),
            **details,
        )
    if stale:
        first = stale[0]
        raise CheckFailed(
            "the web server runs older module code than the files on disk (cached copy last used %s, file changed %s): %s; "
            "validate_timestamps is off, so OPcache keeps it until it is reset"
            % (
                _when(first["last_used"]),
                _when(first["file_mtime"]),
                ", ".join(_relative(root, entry["path"]) for entry in stale),
            ),
            FIX,
            **details,
        )
    if maybe:
        return Outcome.warning(
            "%s holds %d module file(s) cached after OPcache was last emptied but changed since (%s): "
            "with validate_timestamps off OPcache does not say which version it compiled"
            % (label, len(maybe), ", ".join(_relative(root, entry["path"]) for entry in maybe)),
            FIX,
            **details,
        )
    if not cached:
        return Outcome.passed(
            "%s has OPcache on but none of the module's files cached: the next request reads them from disk"
            % label,
            **details,
        )
    return Outcome.passed(
        "%s caches %d module file(s), none older than the file on disk" % (label, cached), **details
    )
