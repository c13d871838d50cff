# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The failure of one step of ``verify --order``: its own module so that probes (order_client_area.py)
raise it without importing the order run that imports them."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class StepFailed(Exception):
    """A step of the order failed: ``summary`` says what and ``hint`` what to do."""

    def __init__(self, step: str, summary: str, hint: str = "") -> None:
        super(StepFailed, self).__init__(summary)
        self.step = step
        self.summary = summary
        self.hint = hint
