# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Code shipped to the managed hosts with every module; subpackages name the parts of the architecture.

Imports only go downward: verify -> whmcs / smartermail / module_tree -> common."""
