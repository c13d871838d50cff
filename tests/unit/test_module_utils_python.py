"""module_utils run on the managed hosts' oldest Python, the one tests/config.yml declares.

Two proofs: vermin reads every file and names any syntax or standard-library use newer than that
Python; and, where that Python is installed, every module is imported with it as a fresh managed
host would: the standard library and ansible's own module_utils (which Ansible sends with every
module), but no httpx, no PyMySQL, nothing else installed.
"""

from __future__ import annotations

import glob
import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
MODULE_UTILS = REPO / "plugins" / "module_utils"
COLLECTION = ("ansible_collections", "astral360", "smartermail")
PYENV_VERSIONS = Path("/root/.pyenv/versions")


def oldest_python() -> str:
    """'3.8' from tests/config.yml's ``modules: python_requires: '>=3.8'``."""
    config = yaml.safe_load((REPO / "tests" / "config.yml").read_text())
    requires = config["modules"]["python_requires"]
    match = re.fullmatch(r">=\s*(\d+\.\d+)", requires)
    assert match, f"tests/config.yml: python_requires {requires!r} is not of the form '>=X.Y'"
    return match.group(1)


def module_names() -> list[str]:
    """Dotted names of every module under plugins/module_utils, packages included."""
    names = []
    for path in sorted(MODULE_UTILS.rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join((*COLLECTION, *parts)))
    return names


def test_vermin_finds_nothing_newer_than_the_oldest_python() -> None:
    version = oldest_python()
    # --eval-annotations: these files do not postpone annotations (most lack `from __future__
    # import annotations`), so the oldest Python evaluates every signature's annotations when the
    # def runs, and `list[str]` there fails the import. Vermin assumes by default that annotations
    # are never evaluated and would let that pass. With the flag, such annotations count in every
    # file, also in those that do postpone them; module_utils use typing's List/Optional anyway.
    # Vermin's union-types feature (`X | Y`) stays off: it is marked unstable and reports flag
    # arithmetic such as os.R_OK | os.X_OK as a union. The import test below catches `X | Y` in an
    # annotation, because that Python evaluates it on import.
    # The vermin of this environment (a test dependency), which has no `python -m vermin`.
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, vermin; sys.exit(vermin.main())",
            f"--target={version}-",
            "--violations",
            "--no-tips",
            "--eval-annotations",
            str(MODULE_UTILS),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"module_utils need a Python newer than {version}:\n{output}"
    analysed = re.search(r"Analyzing (\d+) files", output)
    assert analysed, output
    assert int(analysed.group(1)) == len(list(MODULE_UTILS.rglob("*.py"))), output


def interpreter_for(version: str) -> str | None:
    """A working ``pythonX.Y`` from PATH or pyenv (a pyenv shim on PATH may refuse to run)."""
    candidates = [shutil.which(f"python{version}")]
    candidates += sorted(glob.glob(str(PYENV_VERSIONS / f"{version}*" / "bin" / f"python{version}")))
    for candidate in candidates:
        if not candidate:
            continue
        probe = subprocess.run(
            [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.returncode == 0 and probe.stdout.strip() == version:
            return candidate
    return None


# Run by the oldest Python: import each module named on the command line from the tree in argv[1].
# -I -S keep out the environment and every site-packages: only the standard library and the tree.
IMPORT_ALL = """
import importlib, importlib.util, sys, traceback
sys.path.insert(0, sys.argv[1])
for library in ("httpx", "pymysql"):
    if importlib.util.find_spec(library) is not None:
        print("THIRD-PARTY %s is importable" % library)
for name in sys.argv[2:]:
    try:
        importlib.import_module(name)
    except BaseException:
        print("FAILED %s\\n%s" % (name, traceback.format_exc()))
    else:
        print("ok %s" % name)
"""


def test_every_module_imports_on_the_oldest_python_without_third_party_packages(tmp_path: Path) -> None:
    version = oldest_python()
    python = interpreter_for(version)
    if python is None:
        pytest.skip(
            f"no Python {version} on this machine (looked for python{version} on PATH and in "
            f"{PYENV_VERSIONS}/{version}*): the import check needs the managed hosts' oldest Python"
        )
    # Copies, not links: that Python must not leave its bytecode caches in the working tree.
    tree = tmp_path.joinpath(*COLLECTION, "plugins", "module_utils")
    shutil.copytree(MODULE_UTILS, tree, ignore=shutil.ignore_patterns("__pycache__"))
    # ansible.module_utils as AnsiballZ ships it beside a module: the package under an empty ansible/.
    ansible_module_utils = importlib.util.find_spec("ansible.module_utils")
    assert ansible_module_utils is not None and ansible_module_utils.origin
    (tmp_path / "ansible").mkdir()
    (tmp_path / "ansible" / "__init__.py").write_text("")
    shutil.copytree(
        Path(ansible_module_utils.origin).parent,
        tmp_path / "ansible" / "module_utils",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    names = module_names()
    result = subprocess.run(
        [python, "-I", "-S", "-c", IMPORT_ALL, str(tmp_path), *names],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert not [line for line in lines if line.startswith("THIRD-PARTY")], result.stdout
    failed = [line for line in lines if not line.startswith("ok ")]
    assert not failed, f"module_utils that do not import on Python {version}:\n{result.stdout}"
    assert lines == [f"ok {name}" for name in names]
