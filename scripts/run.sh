#!/usr/bin/env bash
# One entry point for people and CI:
#   bash scripts/run.sh setup   install system packages (Debian/Ubuntu, as root or with sudo) and .venv
#   bash scripts/run.sh demo    setup, then the end-to-end demo on the built-in sandbox + simulator
#   bash scripts/run.sh test    setup, then the whole test suite (real MariaDB, php, HTTP(S), ansible)
#   bash scripts/run.sh lint    setup, then ruff, mypy, ansible-lint (production profile) and ansible-test sanity
set -euo pipefail
cd "$(dirname "$0")/.."

# sudo, python3-httpx and python3-pymysql: the SSH fleet tests log in as an unprivileged user with
# become, and interpreter discovery finds the system Python, which needs the modules' libraries.
# The PHP packages make a WHMCS host's PHP: the extensions WHMCS and its modules rely on, and
# Illuminate Database, the library behind WHMCS's Capsule, Smarty 3.1 (smarty3, 3.1.47), the
# template engine of WHMCS 8's client area, and jQuery, which WHMCS ships to its pages (docs/sandbox.md).
PHP_PACKAGES=(php-cli php-mysql php-curl php-mbstring php-gd php-intl php-zip php-xml php-bcmath php-illuminate-database smarty3 libjs-jquery)
# chromium + chromium-driver: the client-area browser test (Selenium drives Debian's chromedriver;
# nothing is downloaded at run time, tests/fixtures/browser.py).
BROWSER_PACKAGES=(chromium chromium-driver)
SYSTEM_PACKAGES=(mariadb-server mariadb-client "${PHP_PACKAGES[@]}" "${BROWSER_PACKAGES[@]}" openssh-server openssh-client cron sudo python3-httpx python3-pymysql)
VENV=${SMARTERMAIL_VENV:-.venv}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

setup_system() {
    local missing=()
    for package in "${SYSTEM_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "installing system packages: ${missing[*]}" >&2
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        # policy-rc.d keeps Debian from starting the system MariaDB/sshd: the toolkit runs its own.
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

setup_python() {
    if [ ! -x "$VENV/bin/python" ]; then
        python3 -m venv "$VENV"
        "$VENV/bin/pip" install -q --upgrade pip
    fi
    # A regular (non-editable) install: the tests exercise the package exactly as users get it.
    "$VENV/bin/pip" install -q ".[test]"
}

setup() {
    setup_system
    setup_python
}

command=${1:-}
shift || true
case "$command" in
    setup) setup ;;
    demo) setup; exec "$VENV/bin/smartermail-whmcs" demo "$@" ;;
    test) setup; exec "$VENV/bin/python" -m pytest "$@" ;;
    lint)
        setup
        "$VENV/bin/ruff" check .
        "$VENV/bin/ruff" format --check .
        PYTHON="$VENV/bin/python" bash scripts/typecheck.sh
        PATH="$PWD/$VENV/bin:$PATH" "$VENV/bin/ansible-lint" --profile production
        PYTHON="$VENV/bin/python" bash scripts/sanity.sh
        ;;
    *)
        echo "usage: bash scripts/run.sh setup|demo|test|lint [args...]" >&2
        exit 2
        ;;
esac
