"""smartermail-whmcs: install and verify the SmarterMail WHMCS module (CLI side).

The shared logic lives in the Ansible collection's module_utils
(``ansible_collections.astral360.smartermail.plugins.module_utils``); this package holds the
click CLI, the SmarterMail API simulator and the WHMCS sandbox.
"""

__version__ = "0.1.0"
