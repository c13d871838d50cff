#!/usr/bin/env bash
# mypy over the code with type hints: module_utils, plugin_utils and the CLI package.
# module_utils is imported as ansible_collections.astral360.smartermail.plugins.module_utils, so
# mypy sees the working tree through a temporary ansible_collections/astral360/smartermail link
# (never the copy pip installed into site-packages).
#   bash scripts/typecheck.sh            # the checked packages ([tool.mypy] in pyproject.toml)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-python3}"
work="$(mktemp -d "${TMPDIR:-/tmp}/smw-mypy.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/ansible_collections/astral360"
ln -s "$repo" "$work/ansible_collections/astral360/smartermail"
cd "$repo"
# Paths are printed relative to the repository, as for every other linter.
MYPYPATH="$work:$repo/verify" "$python" -m mypy \
    -p ansible_collections.astral360.smartermail.plugins.module_utils \
    -p ansible_collections.astral360.smartermail.plugins.plugin_utils \
    -p smartermail_whmcs "$@" | sed "s|$work/ansible_collections/astral360/smartermail/||"
