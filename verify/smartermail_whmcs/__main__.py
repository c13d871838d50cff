"""``python -m smartermail_whmcs`` runs the CLI (tests and the sandbox use this form)."""

import sys

from smartermail_whmcs.cli import main

sys.exit(main())
