#!/usr/bin/env bash
# mypy over the code with type hints: module_utils, plugin_utils and the CLI package.
# module_utils is imported as ansible_collections.astral360.smartermail.plugins.module_utils, so
# mypy sees the working tree through a temporary ansible_collections/astral360/smartermail link
# (never the copy pip installed into site-packages).
#   bash scripts/typecheck.sh            # the checked packages ([tool.mypy] in pyproject.toml)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-python3}"
# One fixed folder per checkout: the link's path is the same on every run, so mypy's cache (kept
# beside it) stays valid and every message names the file by the same path.
work="${TMPDIR:-/tmp}/smartermail-whmcs-mypy-$(printf '%s' "$repo" | sha1sum | cut -c1-12)"
mkdir -p "$work/ansible_collections/astral360"
ln -sfn "$repo" "$work/ansible_collections/astral360/smartermail"
cd "$repo"
# Paths are printed relative to the repository, as for every other linter.
MYPYPATH="$work:$repo/verify" "$python" -m mypy \
    -p ansible_collections.astral360.smartermail.plugins.module_utils \
    -p ansible_collections.astral360.smartermail.plugins.plugin_utils \
    -p smartermail_whmcs --cache-dir "$work/cache" "$@" | sed "s|$work/ansible_collections/astral360/smartermail/||"
