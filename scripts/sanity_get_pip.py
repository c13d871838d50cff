"""Stand-in for the get-pip.py that ansible-test downloads to bootstrap pip in its virtualenvs.

ansible-test fetches get-pip from a host outside PyPI, which offline CI cannot reach. It runs the
script as ``python get-pip.py [pip options] pip==X ...`` inside a fresh venv created without pip;
this does the same with the standard library's ensurepip and then pip from the package index.
scripts/sanity.sh installs it as ~/.ansible/test/cache/get_pip_<version>.py when none is there.
"""

from __future__ import annotations

import ensurepip
import os
import subprocess
import sys

# get-pip.py options that pip install does not know.
GET_PIP_ONLY = {"--no-setuptools", "--no-wheel"}


def main() -> int:
    # ensurepip clears PIP_* and points PIP_CONFIG_FILE at /dev/null in os.environ; the install
    # below must see the user's pip configuration (index, CA bundle) again.
    environment = dict(os.environ)
    ensurepip.bootstrap(upgrade=True)
    arguments = [argument for argument in sys.argv[1:] if argument not in GET_PIP_ONLY]
    return subprocess.call([sys.executable, "-m", "pip", "install", "--quiet", *arguments], env=environment)


if __name__ == "__main__":
    sys.exit(main())
