"""The ``deploy`` command: runs the bundled install playbook and summarises what it changed per host."""
