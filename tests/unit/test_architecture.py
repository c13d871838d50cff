"""Imports only go downward (docs/architecture.md), checked on the source without importing it.

Every .py file under plugins/ and verify/smartermail_whmcs/ is parsed with ast. Each import of the
collection's plugins (ansible_collections.astral360.smartermail.plugins.*) or of the CLI package
(smartermail_whmcs.*) is found wherever it is written: at the top, inside a function, relative, or
as a module name handed to __import__ / importlib.import_module (also when the name is built as
"<package prefix>." + a name taken from string literals nearby, as verify/registry.py does). Each
file and each target belongs to a part; ALLOWED says which parts a part may import.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fixtures.repo import REPO

COLLECTION = "ansible_collections.astral360.smartermail"
PLUGINS = COLLECTION + ".plugins"
MODULE_UTILS = PLUGINS + ".module_utils"
PLUGIN_UTILS = PLUGINS + ".plugin_utils"
CLI = "smartermail_whmcs"
SOURCE_ROOTS = ((REPO / "plugins", PLUGINS), (REPO / "verify" / CLI, CLI))

# plugins/<folder> -> part; the folders of module_utils are parts of their own.
PLUGIN_FOLDERS = {
    "modules": "modules",
    "action": "action",
    "callback": "callback",
    "doc_fragments": "doc_fragments",
    "plugin_utils": "plugin_utils",
}
MODULE_UTILS_PARTS = {"verify", "whmcs", "smartermail", "module_tree", "common"}

# The rule, part by part: what each part may import besides itself (plugins/modules excepted:
# Ansible ships a module alone, so one module cannot import another).
LIBRARIES = frozenset({"whmcs", "smartermail", "module_tree"})
BELOW_VERIFY = LIBRARIES | {"common"}
MODULE_UTILS_ALL = BELOW_VERIFY | {"verify"}
ALLOWED: dict[str, frozenset[str]] = {
    # Top: the Ansible entry points and the CLI. Modules run on the managed hosts, which never
    # receive plugin_utils; action and callback plugins and the CLI run on the controller.
    "modules": MODULE_UTILS_ALL,
    "action": MODULE_UTILS_ALL | {"plugin_utils"},
    "callback": MODULE_UTILS_ALL | {"plugin_utils"},
    "cli": MODULE_UTILS_ALL | {"plugin_utils", "cli"},
    # module_utils, top to bottom: verify -> whmcs / smartermail / module_tree -> common.
    "verify": BELOW_VERIFY | {"verify"},
    "whmcs": frozenset({"common", "whmcs"}),
    "smartermail": frozenset({"common", "smartermail"}),
    "module_tree": frozenset({"common", "module_tree"}),
    "common": frozenset({"common"}),
    # Controller-only helpers of the action plugins: over the libraries, never the checks or the CLI.
    "plugin_utils": BELOW_VERIFY | {"plugin_utils"},
    "doc_fragments": frozenset(),
    # The bare module_utils package (its __init__ holds only a docstring).
    "module_utils": frozenset(),
}
IMPORT_FUNCTIONS = {"__import__", "import_module"}


@dataclass(frozen=True)
class Import:
    path: str  # the importing file, relative to the repository
    line: int
    source: str  # the importing module's dotted name
    target: str  # the imported module's dotted name
    dynamic: bool = False

    def __str__(self) -> str:
        return f"{self.path}:{self.line} imports {self.target}"


@dataclass
class Findings:
    imports: list[Import]
    # Dynamic imports whose module name could not be worked out from the source.
    unresolved: list[str]
    # Files in no part: a new folder needs a place in PLUGIN_FOLDERS or MODULE_UTILS_PARTS, in
    # ALLOWED and in docs/architecture.md.
    unplaced: list[str]


def part_of(module: str) -> str | None:
    """The part a tracked module belongs to, "?<name>" for an unknown folder, None if untracked."""
    if module == CLI or module.startswith(CLI + "."):
        return "cli"
    if not module.startswith(PLUGINS + "."):
        return None
    folder, _, rest = module[len(PLUGINS) + 1 :].partition(".")
    if folder == "module_utils":
        if not rest:
            return "module_utils"
        sub = rest.split(".")[0]
        return sub if sub in MODULE_UTILS_PARTS else "?module_utils." + sub
    return PLUGIN_FOLDERS.get(folder, "?" + folder)


def is_tracked(module: str) -> bool:
    return part_of(module) is not None


def module_name(path: Path, root: Path, package: str) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([package, *parts])


def tree_sources() -> dict[str, tuple[str, str]]:
    """module name -> (path relative to the repository, source text), for every checked file."""
    sources = {}
    for root, package in SOURCE_ROOTS:
        for path in sorted(root.rglob("*.py")):
            if "__pycache__" not in path.parts:
                sources[module_name(path, root, package)] = (str(path.relative_to(REPO)), path.read_text())
    return sources


class _ImportFinder(ast.NodeVisitor):
    def __init__(self, module: str, is_package: bool, known: set[str]) -> None:
        self.module = module
        self.package = module if is_package else module.rpartition(".")[0]
        self.known = known
        self.found: list[tuple[int, str, bool]] = []
        self.unresolved: list[tuple[int, str]] = []
        self.scopes: list[ast.AST] = []

    def run(self, tree: ast.Module) -> None:
        self.scopes.append(tree)
        self.visit(tree)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.scopes.append(node)
        self.generic_visit(node)
        self.scopes.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.found.append((node.lineno, alias.name, False))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = self._absolute(node.module or "", node.level)
        for alias in node.names:
            # "from package import module" imports the module; "from module import name" the module.
            candidate = f"{base}.{alias.name}"
            self.found.append((node.lineno, candidate if candidate in self.known else base, False))

    def visit_Call(self, node: ast.Call) -> None:
        function = node.func
        name = function.id if isinstance(function, ast.Name) else getattr(function, "attr", None)
        if name in IMPORT_FUNCTIONS and node.args:
            targets = self._module_names(node.args[0])
            if targets is None:
                self.unresolved.append((node.lineno, ast.unparse(node.args[0])))
            for target in targets or ():
                self.found.append((node.lineno, target, True))
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        # A module named in full by a string (a table of modules to import, say) counts too.
        if isinstance(node.value, str) and node.value in self.known and node.value != self.module:
            self.found.append((node.lineno, node.value, True))

    def _absolute(self, module: str, level: int) -> str:
        if not level:
            return module
        base = self.package.split(".")
        base = base[: len(base) - (level - 1)]
        return ".".join([*base, module] if module else base)

    def _module_names(self, argument: ast.expr) -> list[str] | None:
        """The module names an __import__/import_module argument can take; None if unknown."""
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
            return [argument.value]
        if isinstance(argument, ast.BinOp) and isinstance(argument.op, ast.Add):
            left, right = argument.left, argument.right
            if isinstance(left, ast.Constant) and isinstance(left.value, str):
                if isinstance(right, ast.Constant) and isinstance(right.value, str):
                    return [left.value + right.value]
                # "<prefix>." + variable: the variable's values are string literals of the
                # function around the call, else of the whole file (a module-level table).
                for scope in (self.scopes[-1], self.scopes[0]):
                    names = [left.value + text for text in _strings(scope) if left.value + text in self.known]
                    if names:
                        return names
                return None if is_tracked(left.value) else []
        return None


def _strings(tree: ast.AST) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def find_imports(sources: dict[str, tuple[str, str]], known: Iterable[str] = ()) -> Findings:
    """Every tracked import in ``sources`` (module name -> (path, text))."""
    known_modules = set(sources) | set(known)
    findings = Findings([], [], [])
    for module, (path, text) in sorted(sources.items()):
        part = part_of(module)
        if part is None or part.startswith("?"):
            findings.unplaced.append(f"{path} ({module}) is in no part of the architecture")
            continue
        finder = _ImportFinder(module, path.endswith("__init__.py"), known_modules)
        finder.run(ast.parse(text, filename=path))
        for line, code in finder.unresolved:
            findings.unresolved.append(f"{path}:{line} imports a module named by {code}")
        for line, target, dynamic in sorted(set(finder.found)):
            if is_tracked(target):
                findings.imports.append(Import(path, line, module, target, dynamic))
    return findings


def wrong_way(imports: Iterable[Import]) -> list[str]:
    """One line per import the rule forbids: "file:line imports target (part -> part)"."""
    lines = []
    for item in imports:
        source, target = part_of(item.source), part_of(item.target)
        assert source is not None and target is not None
        if target not in ALLOWED.get(source, frozenset()):
            lines.append(f"{item} ({source} -> {target})")
    return lines


def check(sources: dict[str, tuple[str, str]], known: Iterable[str] = ()) -> list[str]:
    findings = find_imports(sources, known)
    return wrong_way(findings.imports) + findings.unresolved + findings.unplaced


@pytest.fixture(scope="module")
def tree() -> dict[str, tuple[str, str]]:
    return tree_sources()


def test_imports_only_go_downward(tree: dict[str, tuple[str, str]]) -> None:
    problems = check(tree)
    assert not problems, "imports that run the wrong way (see docs/architecture.md):\n" + "\n".join(problems)


def test_the_scan_sees_the_whole_tree(tree: dict[str, tuple[str, str]]) -> None:
    findings = find_imports(tree)
    # Today about 240; far fewer would mean the scan stopped seeing imports.
    assert len(findings.imports) >= 150, len(findings.imports)
    importers = {part_of(item.source) for item in findings.imports}
    assert importers >= set(ALLOWED) - {"callback", "common", "doc_fragments", "module_utils"}, importers
    crossings = {(part_of(item.source), part_of(item.target)) for item in findings.imports}
    for edge in [("modules", "whmcs"), ("cli", "verify"), ("verify", "smartermail"), ("whmcs", "common")]:
        assert edge in crossings, edge


# The checker itself: synthetic files in the parts named, each with one wrong-way import.
def _utils(name: str) -> str:
    return f"{MODULE_UTILS}.{name}"


WRONG_WAY = {
    "common imports verify": (_utils("common.sql"), f"from {_utils('verify.model')} import Outcome\n"),
    "sibling import inside a function": (
        _utils("whmcs.servers"),
        f"def login():\n    from {_utils('smartermail.client')} import SmarterMailClient\n",
    ),
    "module_utils imports the CLI": (_utils("verify.report"), "import smartermail_whmcs.errors\n"),
    "module_utils imports plugin_utils": (
        _utils("module_tree.apply"),
        f"from {PLUGIN_UTILS}.module_tree import cache\n",
    ),
    "relative import upward": (_utils("common.redaction"), "from ..verify import model\n"),
    "__import__ of a name built from literals": (
        _utils("smartermail.url"),
        "def load():\n"
        '    for name in ("verify.model",):\n'
        f'        __import__("{MODULE_UTILS}." + name, fromlist=["x"])\n',
    ),
    "__import__ of a name from a module-level table": (
        _utils("whmcs.facts"),
        'OPTIONAL = ("verify.report",)\n'
        "def load():\n"
        "    for name in OPTIONAL:\n"
        f'        __import__("{MODULE_UTILS}." + name)\n',
    ),
    "importlib.import_module": (
        f"{PLUGINS}.modules.whmcs_server",
        f'import importlib\nimportlib.import_module("{PLUGIN_UTILS}.module_tree.source")\n',
    ),
    "plugin_utils imports verify": (
        f"{PLUGIN_UTILS}.module_tree.cache",
        f"from {_utils('verify.registry')} import build_registry\n",
    ),
    "plugin_utils imports the CLI": (
        f"{PLUGIN_UTILS}.module_tree.source",
        "from smartermail_whmcs import cli\n",
    ),
    "verify imports the CLI": (_utils("verify.runner"), "from smartermail_whmcs.verify.run import run\n"),
    "unresolvable dynamic import": (_utils("verify.registry"), "def f(name):\n    __import__(name)\n"),
    "file in no part": (_utils("orders.place"), "x = 1\n"),
}


@pytest.mark.parametrize("case", sorted(WRONG_WAY))
def test_the_checker_catches_a_wrong_way_import(tree: dict[str, tuple[str, str]], case: str) -> None:
    module, text = WRONG_WAY[case]
    path = module.replace(".", "/") + ".py"
    problems = check({module: (path, text)}, known=tree)
    assert len(problems) == 1, problems
    assert problems[0].startswith(path), problems


def test_the_checker_lets_downward_imports_through(tree: dict[str, tuple[str, str]]) -> None:
    sources = {
        _utils("verify.canary"): (
            "verify/canary.py",
            f"from {_utils('smartermail.client')} import SmarterMailClient\n"
            "def close():\n"
            '    for name in ("whmcs.database", "common.redaction"):\n'
            f'        __import__("{MODULE_UTILS}." + name)\n',
        ),
        f"{PLUGINS}.action.whmcs_module_files": (
            "action.py",
            f"from {PLUGIN_UTILS}.module_tree.cache import PackCache\n",
        ),
        "smartermail_whmcs.deploy.cli": ("cli.py", "from . import report\nfrom ..verify import run\n"),
    }
    findings = find_imports(sources, known=tree)
    assert wrong_way(findings.imports) == [] and findings.unresolved == [] and findings.unplaced == []
    targets = {item.target for item in findings.imports}
    assert targets == {
        _utils("smartermail.client"),
        _utils("whmcs.database"),
        _utils("common.redaction"),
        f"{PLUGIN_UTILS}.module_tree.cache",
        "smartermail_whmcs.deploy.report",
        "smartermail_whmcs.verify.run",
    }
