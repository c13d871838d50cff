# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The error every WHMCS writer raises for bad input or a refused change.

Its sentence is the whole message a user sees (it names the input and what to do), so the module
skeleton passes it on unchanged; ``option`` names the parameter at fault and ``details`` holds extra
result fields (for example how many services block a removal).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from typing import Any, Dict, Optional


class WhmcsChangeError(ValueError):
    """Bad input, or a change the WHMCS database refuses; nothing was written."""

    def __init__(
        self, message: str, option: Optional[str] = None, details: Optional[Dict[str, Any]] = None
    ) -> None:
        super(WhmcsChangeError, self).__init__(message)
        self.option = option
        self.details = dict(details or {})
