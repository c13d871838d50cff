"""The ``demo`` command: sandbox up, install, test order, verify, report, down."""
