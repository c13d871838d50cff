"""WHMCS sandbox: WHMCS-like trees, a private MariaDB server and a simulator."""
