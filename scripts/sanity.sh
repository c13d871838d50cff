#!/usr/bin/env bash
# ansible-test sanity on the collection, in the ansible_collections/<namespace>/<name> layout it
# needs: the collection's content is copied into a temporary tree (only what ships in the
# collection), then the project's ansible-test runs from there with --local. ansible-test puts each
# sanity tool (pylint, pycodestyle, yamllint, voluptuous...) in a virtualenv of its own, with the
# versions that ansible-test release pins, so the project's environment is left as it is. It
# bootstraps pip in those virtualenvs with a get-pip script downloaded from outside PyPI, which
# offline CI cannot reach: scripts/sanity_get_pip.py (ensurepip + PyPI) stands in for it.
#   bash scripts/sanity.sh                 # every sanity test ansible-test enables by default
#   bash scripts/sanity.sh --test pep8     # any ansible-test sanity arguments instead
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-python3}"
ansible_test="$(cd "$(dirname "$(command -v "$python")")" && pwd)/ansible-test"
[ -x "$ansible_test" ] || ansible_test=ansible-test
python_version="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"

pip_version="$("$python" -c 'import types; from ansible_test._internal.python_requirements import get_venv_packages; print(get_venv_packages(types.SimpleNamespace(version="'"$python_version"'"))["pip"])')"
get_pip="$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
if [ ! -s "$get_pip" ]; then
    mkdir -p "$(dirname "$get_pip")"
    cp "$repo/scripts/sanity_get_pip.py" "$get_pip"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/smw-sanity.XXXXXX")"
trap 'rm -rf "$work"' EXIT
collection="$work/ansible_collections/astral360/smartermail"
mkdir -p "$collection"
for part in galaxy.yml meta plugins roles playbooks extensions changelogs README.md CHANGELOG.md; do
    [ -e "$repo/$part" ] && cp -a "$repo/$part" "$collection/"
done
mkdir -p "$collection/tests"
[ -d "$repo/tests/sanity" ] && cp -a "$repo/tests/sanity" "$collection/tests/"
# config.yml declares the managed hosts' oldest Python (modules: python_requires).
[ -f "$repo/tests/config.yml" ] && cp -a "$repo/tests/config.yml" "$collection/tests/"
find "$collection" -name __pycache__ -type d -prune -exec rm -rf {} +

cd "$collection"
exec "$ansible_test" sanity --local --python "$python_version" --color no "$@"
