# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The products the canary runs for: the module's products in the target's WHMCS database (read only).

Every tblproducts row with module ``smartermail`` (or only the one named by the
``whmcs_product_name`` setting), with the options the module reads in Create, Suspend and
Terminate. The connection is the WHMCS checks' own short, rolled-back one (whmcs_context).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from typing import Any, Dict, List

from ansible_collections.astral360.smartermail.plugins.module_utils.verify.runner import TargetContext
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_context import (
    query,
    setting,
    whmcs_db,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.servers import SERVER_TYPE

# The options the replayed calls use (canary_options.py): 5-8, 14, 15.
_SELECT = (
    "SELECT id, name, configoption5, configoption6, configoption7, configoption8, configoption14, "
    "configoption15 FROM tblproducts WHERE servertype = %s"
)


def module_products(context: TargetContext) -> List[Dict[str, Any]]:
    """The module's products, in id order (empty when there is none, or none of that name)."""
    name = setting(context, "whmcs_product_name")
    sql = _SELECT
    parameters: List[Any] = [SERVER_TYPE]
    if name:
        sql += " AND name = %s"
        parameters.append(name)
    with whmcs_db(context) as connection:
        return query(connection, sql + " ORDER BY id", parameters)
