# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The WHMCS library: everything the toolkit reads from or writes to one WHMCS installation.

configuration.php (configuration.py, with a strict PHP-free parser in configuration_parser.py),
the database (database.py, PyMySQL), WHMCS's password encryption (password_crypto.py), the cron
line (cron.py), read-only host facts (facts.py), the SmarterMail server row (servers.py), the
product rows (products.py) and the module's product settings schema (product_settings.py).
ansible_args.py and write_module.py are the glue and the skeleton the Ansible modules that write
the database share. Nothing here talks to SmarterMail."""
