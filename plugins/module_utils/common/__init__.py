# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Small helpers every other part may use: secret redaction and SQL statement building.

Pure standard-library code with no knowledge of SmarterMail, WHMCS or Ansible, so it sits at the
bottom of the import graph."""
