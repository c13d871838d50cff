# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Connection options shared by every module that talks to the SmarterMail REST API.
    DOCUMENTATION = r"""
options:
  hostname:
    description:
      - Host name or IP address of the SmarterMail server, without scheme, port or path (letters,
        digits, hyphens, dots; an IPv6 address; an internationalised name).
      - Use the name WHMCS will use (the C(hostname) of the server in WHMCS), so TLS is checked
        against the right certificate name.
    type: str
    required: true
  port:
    description:
      - TCP port of the SmarterMail web interface.
      - When omitted, the module's defaults apply, C(443) with O(secure=true) and C(9998) without.
    type: int
  secure:
    description:
      - Use HTTPS. This is the WHMCS server's "Use SSL" box.
    type: bool
    default: true
  username:
    description:
      - SmarterMail system administrator user name (no C(@domain) part).
    type: str
    required: true
  password:
    description:
      - Password of O(username). Never logged.
    type: str
    required: true
  validate_certs:
    description:
      - Verify the server certificate. Turn off only for a test server with a self-signed
        certificate; prefer O(ca_path) instead.
      - When false for an HTTPS server, the module says so in an Ansible C([WARNING]) line.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file with the CA certificate(s) to trust for the SmarterMail server.
    type: path
  connect_timeout:
    description:
      - Seconds to wait for the TCP connection and TLS handshake.
    type: float
    default: 10
  timeout:
    description:
      - Seconds to wait for each API answer.
    type: float
    default: 30
requirements:
  - httpx >= 0.25 on the host that runs the module
notes:
  - A rejected login is never retried, because SmarterMail's intrusion detection blocks an IP
    address after repeated failed logins.
"""
