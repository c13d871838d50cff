# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Options shared by every module that reads configuration.php and writes the WHMCS database.
    DOCUMENTATION = r"""
options:
  whmcs_root:
    description:
      - The WHMCS installation directory, the one that holds C(configuration.php).
      - The database credentials and C(cc_encryption_hash) are read from that file, with the
        C(php) CLI when it is available and a strict parser otherwise.
    type: path
    required: true
  php_binary:
    description:
      - The PHP CLI used to read C(configuration.php).
    type: str
    default: php
  db_socket:
    description:
      - Unix socket of the database server, when C(configuration.php) names C(localhost) and the
        socket is not in a standard place.
    type: path
  db_connect_timeout:
    description:
      - Seconds to wait for the database connection.
    type: float
    default: 10
requirements:
  - PyMySQL >= 1.1 on the WHMCS host
notes:
  - All writes of one module call happen in one database transaction.
"""
