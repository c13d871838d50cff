"""Shared pytest fixtures. Each area keeps its fixtures in tests/fixtures/<area>.py."""

from fixtures.mariadb import *  # noqa: F403
from fixtures.sandbox import *  # noqa: F403
from fixtures.simulator import *  # noqa: F403
