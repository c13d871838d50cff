# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The PHP module's file tree on a WHMCS host: modules/servers/smartermail.

Its checksum manifest and install plan (manifest.py), staging and the host-side install, removal
and restore (apply.py), the atomic rename(2) swap with rollback (swap.py) and the record of what
the toolkit last installed (record.py). Runs on the managed host; packing the source on the
controller lives in plugin_utils/module_tree."""
