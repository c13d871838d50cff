"""The ``billing`` command: a preview of what the module bills for storage."""
