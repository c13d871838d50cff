# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # What every module built on module_utils/whmcs/write_module.py does the same way.
    DOCUMENTATION = r"""
attributes:
  check_mode:
    support: full
    description: Reads the rows and computes the same plan in a transaction that is rolled back; writes nothing.
  diff_mode:
    support: full
    description: Before and after values on every run (equal when nothing changes); secrets masked.
notes:
  - Parameters are checked before the database is opened; an error names the input and the fix.
  - Plan and writes run in one transaction, so a failure leaves the database as it was.
"""
