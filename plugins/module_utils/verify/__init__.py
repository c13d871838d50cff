# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The verify checks, shared by the smartermail-whmcs verify CLI and the smartermail_verify module.

The result model (model.py), the registry and per-target settings (registry.py), the concurrent
runner (runner.py) and the reports (report.py) carry no knowledge of either side; the SmarterMail
checks (smartermail_checks.py, network.py, canary.py) and the WHMCS checks (whmcs_checks.py and
the whmcs_*_checks.py files over whmcs_context.py) use the client and the WHMCS library below;
billing.py is the storage tranche arithmetic the usage check and the billing preview share."""
