"""The ``verify`` command: targets from flags, files or WHMCS, the run, its output and cleanup."""
