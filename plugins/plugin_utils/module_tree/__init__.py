# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module source on the controller: find it in a folder or archive, check it, pack it once.

source.py locates modules/servers/smartermail in smartermail_module_src and packs it; cache.py
keeps one pack per source state across hosts and forks. The host side is module_utils/module_tree."""
