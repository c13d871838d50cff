# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Who runs WHMCS's own PHP (``init.php``, localAPI) for this toolkit: the web user, never root by accident.

WHMCS writes files as it runs (compiled templates, caches, logs); they must stay writable by the
web server, so its PHP is run as the user the web server runs PHP as (``whmcs_web_user``):

* this process is root and a web user is named: php switches to it (setgroups, setgid, setuid in
  the child, as ``runuser -u USER`` does); a named user that does not exist is refused;
* this process is root and no web user is named: refused, with the fix (name the web user);
* the named web user is root itself: php runs as root, because that is what the web server does;
* this process is not root: php runs as this process's user, which must be the named web user
  (without root it cannot switch); no web user named: this user.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import pwd
from typing import Optional

from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.confined_php import PhpIdentity

__all__ = ["WebPhpUser", "WebUserError", "web_php_user"]

WEB_USER_FIX = (
    "name the user the web server runs PHP as (e.g. www-data, apache, nginx): --web-user USER, "
    "or whmcs_web_user in the --config file or the inventory"
)


class WebUserError(ValueError):
    """WHMCS's PHP cannot be run as the web user; ``hint`` says how to fix it."""

    def __init__(self, summary: str, hint: str) -> None:
        super(WebUserError, self).__init__(summary)
        self.summary = summary
        self.hint = hint


class WebPhpUser:
    """The account php runs as: ``switch_to`` is None when it is this process's own user."""

    def __init__(self, name: str, home: str, switch_to: Optional[PhpIdentity]) -> None:
        self.name = name
        self.home = home
        self.switch_to = switch_to

    def __repr__(self) -> str:
        return "WebPhpUser(%r, switch=%r)" % (self.name, self.switch_to is not None)


def _lookup(web_user: str) -> "pwd.struct_passwd":
    try:
        return pwd.getpwuid(int(web_user)) if web_user.isdigit() else pwd.getpwnam(web_user)
    except KeyError:
        raise WebUserError(
            "the web user %r (whmcs_web_user) does not exist on this host, and WHMCS's PHP is never run as "
            "another user in its place" % web_user,
            WEB_USER_FIX,
        ) from None


def web_php_user(web_user: Optional[str]) -> WebPhpUser:
    """The user WHMCS's PHP runs as for ``web_user`` (the whmcs_web_user setting); WebUserError when refused."""
    me = pwd.getpwuid(os.geteuid())
    if os.geteuid() != 0:
        if web_user and _lookup(web_user).pw_uid != me.pw_uid:
            raise WebUserError(
                "WHMCS's PHP must run as the web user %r, and this process runs as %r, which cannot switch "
                "users (it is not root)" % (web_user, me.pw_name),
                "run verify as root (sudo), which switches to %s, or as that user: sudo -u %s smartermail-whmcs "
                "verify ..." % (web_user, web_user),
            )
        return WebPhpUser(me.pw_name, me.pw_dir, None)
    if not web_user:
        raise WebUserError(
            "this process runs as root and no WHMCS web user is set: WHMCS's PHP is never run as root in its "
            "place (files WHMCS writes, such as compiled templates, must stay writable by the web server)",
            WEB_USER_FIX,
        )
    entry = _lookup(web_user)
    if entry.pw_uid == 0:  # the web server itself runs PHP as root: so does WHMCS's PHP here
        return WebPhpUser(entry.pw_name, entry.pw_dir, None)
    identity = PhpIdentity(
        entry.pw_name, entry.pw_uid, entry.pw_gid, os.getgrouplist(entry.pw_name, entry.pw_gid)
    )
    return WebPhpUser(entry.pw_name, entry.pw_dir, identity)
