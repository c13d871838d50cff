# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SmarterMail REST API client (httpx), shared by the Ansible modules and the verify CLI.

One client (client.py) over pure helpers: base-URL rules (url.py), the answer envelope
(envelope.py), the login outcome without tokens (login.py), transport failures explained as typed
errors (transport_errors.py) and the error classes themselves (errors.py). ansible_args.py maps
validated Ansible module parameters onto the client and holds no logic of its own. Nothing here
knows about WHMCS."""
