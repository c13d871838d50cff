"""SmarterMail REST API v1 simulator (real HTTP/HTTPS on 127.0.0.1) for tests and dry runs.

``Simulator(SimulatorConfig(...)).start()`` returns the base URL; ``stop()`` ends it. The CLI
``smartermail-whmcs simulator`` wraps the same class. See docs/simulator.md.
"""

from smartermail_whmcs.simulator.config import SimulatorConfig
from smartermail_whmcs.simulator.server import Simulator

__all__ = ["Simulator", "SimulatorConfig"]
