"""The architecture, checked: the import rules the layout shows (the README's package table).

    analysis  ←  kernel  ←  capabilities  ←  crawler  ←  shell
                 presswatch.errors, models,   alerts,     crawler   presswatch.cli, service,
                 query, labels, times,        cases                 web, demo
                 reasons, netpolicy, config/,
                 store/, search/

A module may import from the layers to its left, never to its right: the kernel never imports
``alerts``, ``crawler`` or the shell, not even lazily inside a function or for type checking only.
The layers are contracts in ``pyproject.toml`` (``[tool.importlinter]``), run here as ``lint-imports``
runs them. The tests below add what a contract cannot say, on grimp's import graph (every ``import``
statement, those inside functions and under ``if TYPE_CHECKING`` included) and on the source:

- every module belongs to a layer, and the root ``presswatch`` package imports nothing;
- no import cycle anywhere, and no submodule imports its own package's ``__init__``;
- no private name (``_x``) is imported or reached outside the module that defines it;
- only ``presswatch.search`` builds search backends and talks to Elasticsearch;
- every module says in a docstring what it holds.

Each failure lists every offence, with its file and line, so one run shows all that is left to fix.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
# the product: what the contracts cover
PACKAGES = ("presswatch", "analysis", "crawler", "alerts", "cases", "register", "trends", "evidence", "reports",
            "reanalysis", "learning")
OTHER_CODE = ("tests", "bench", "scripts")  # held to the private-name rule too
SEARCH = "presswatch.search"
# Building a backend or an Elasticsearch client is presswatch.search's job alone.
BACKEND_BUILDERS = frozenset({"EsIndex", "SqliteIndex", "client_from_env", "Elasticsearch"})


@cache
def contracts() -> dict[str, dict[str, Any]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {contract["id"]: contract for contract in config["tool"]["importlinter"]["contracts"]}


def layers() -> list[list[str]]:
    """The layers of the ``layers`` contract, highest first, each as its list of modules."""
    return [[name.strip() for name in layer.replace(":", "|").split("|")] for layer in contracts()["layers"]["layers"]]


def _in(module: str, packages: list[str] | tuple[str, ...] | set[str]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    # cache_dir=None: nothing is written into the work tree.
    return grimp.build_graph(*PACKAGES, cache_dir=None)


def _lines(graph: grimp.ImportGraph, importer: str, imported: str) -> str:
    found = sorted({detail["line_number"] for detail in graph.get_import_details(importer=importer, imported=imported)})
    return ",".join(str(line) for line in found) or "?"


def _path(module: str) -> str:
    base = ROOT.joinpath(*module.split("."))
    return str((base / "__init__.py" if base.is_dir() else base.with_suffix(".py")).relative_to(ROOT))


# --- the contracts, as lint-imports runs them -------------------------------------------------------


def test_the_import_contracts_hold() -> None:
    """``lint-imports``: the layers, and the frameworks that stay in the crawler and the shell. Run as
    the command runs (a process of its own): in the test process, modules other tests imported
    (Twisted's zope.interface) once made it fail with nothing but ``__provides__`` to show."""
    command = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run([str(command), str(ROOT / "pyproject.toml"), "--no-cache"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    report = done.stdout + done.stderr
    broken = report[report.find("Broken contracts"):] if "Broken contracts" in report else report
    assert done.returncode == 0, f"lint-imports found imports against the layout:\n{broken}"


def test_the_contracts_name_the_same_kernel() -> None:
    """The frameworks contract covers exactly the layers below the crawler: when a kernel module or a
    capability is added to the layers, it is held to the frameworks rule too."""
    names = layers()
    below_crawler = names[[n for n, layer in enumerate(names) if "crawler" in layer][0] + 1:]
    assert sorted(contracts()["frameworks"]["source_modules"]) == sorted(m for layer in below_crawler for m in layer)


def test_every_module_belongs_to_a_layer(graph: grimp.ImportGraph) -> None:
    named = {module for layer in layers() for module in layer}
    loose = sorted(m for m in graph.modules if m != "presswatch" and not _in(m, named))
    assert not loose, ("modules that no layer names: add each to a layer of [tool.importlinter] in "
                       f"pyproject.toml, or move it into a package that has one: {loose}")
    # The root package belongs to no layer (it holds the kernel and the shell): it must import nothing,
    # or it could carry a kernel module up into the shell.
    assert graph.find_modules_directly_imported_by("presswatch") == set()


# --- cycles ------------------------------------------------------------------------------------------


def strongly_connected(graph: grimp.ImportGraph) -> list[list[str]]:
    """The import cycles: groups of modules that all reach one another (Tarjan's algorithm, iterative),
    each sorted, of more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def imports(module: str) -> Iterator[str]:
        return iter(sorted(graph.find_modules_directly_imported_by(module)))

    for root in sorted(graph.modules):
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, imports(root))]
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, imports(child)))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return sorted(found)


def describe_cycle(graph: grimp.ImportGraph, members: list[str]) -> str:
    """Every import between the members of one cycle, with its lines: the ones to break are among them."""
    inside = set(members)
    edges = [f"    {importer} → {imported} ({_path(importer)}:{_lines(graph, importer, imported)})"
             for importer in members
             for imported in sorted(graph.find_modules_directly_imported_by(importer) & inside)]
    return f"  {len(members)} modules: " + ", ".join(members) + "\n" + "\n".join(edges)


def test_strongly_connected_finds_a_lazy_cycle() -> None:
    """The cycle finder itself, on a small graph: a loop of three, a self-contained pair, a tail."""
    small = grimp.ImportGraph()
    for module in ("p", "p.a", "p.b", "p.c", "p.d", "p.e", "p.f"):
        small.add_module(module)
    for importer, imported in [("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a"), ("p.d", "p.e"), ("p.e", "p.d"),
                               ("p.f", "p.a")]:
        small.add_import(importer=importer, imported=imported, line_number=1, line_contents="import")
    assert strongly_connected(small) == [["p.a", "p.b", "p.c"], ["p.d", "p.e"]]


def test_no_import_cycles(graph: grimp.ImportGraph) -> None:
    """No module reaches itself through its imports (a lazy import inside a function counts)."""
    cycles = strongly_connected(graph)
    assert not cycles, f"{len(cycles)} import cycle(s):\n" + "\n".join(describe_cycle(graph, c) for c in cycles)


def test_no_submodule_imports_its_own_package(graph: grimp.ImportGraph) -> None:
    """A submodule imports its siblings directly (``from presswatch.config.base import Strict``),
    never through its package's ``__init__``, which re-exports them for the code outside: that is
    how cycles start. A package's ``__main__`` runs the package and may import it."""
    offences = by_place(set(
        f"{_path(module)}:{_lines(graph, module, imported)}: {module} imports its package {imported}"
        for module in graph.modules if not module.endswith(".__main__")
        for imported in graph.find_modules_directly_imported_by(module)
        if module.startswith(imported + ".") and imported not in PACKAGES
    ))
    assert not offences, "\n".join(offences)


# --- private names -----------------------------------------------------------------------------------


def module_name(path: Path, base: Path = ROOT) -> str:
    parts = list(path.relative_to(base).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def product_files() -> list[Path]:
    return sorted(path for package in PACKAGES for path in (ROOT / package).rglob("*.py"))


def other_files() -> list[Path]:
    data = ROOT / "tests" / "data"  # tools that made recorded data, run with the code of their time
    return sorted(path for folder in OTHER_CODE for path in (ROOT / folder).rglob("*.py") if data not in path.parents)


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__") and name != "_"


@cache
def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _absolute(module: str | None, level: int, current: str, is_package: bool) -> str:
    """The absolute module named by ``from <dots><module> import …`` in ``current``."""
    if level == 0:
        return module or ""
    parts = current.split(".")
    base = parts if is_package else parts[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, module] if module else base)


def _module_aliases(tree: ast.Module, current: str, is_package: bool, known: set[str]) -> dict[str, str]:
    """Local names bound to a module of ours: ``import a.b`` (``a``), ``import a.b as m``,
    ``from a import b`` when ``a.b`` is a module."""
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    aliases[alias.name.split(".")[0]] = alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(node.module, node.level, current, is_package)
            for alias in node.names:
                if f"{source}.{alias.name}" in known:
                    aliases[alias.asname or alias.name] = f"{source}.{alias.name}"
    return {name: module for name, module in aliases.items() if module in known}


def _dotted(node: ast.expr, aliases: dict[str, str], known: set[str]) -> str | None:
    """The module an expression such as ``presswatch.cli`` or ``cli`` names, if it names one of ours."""
    if isinstance(node, ast.Name):
        return aliases.get(node.id)
    if isinstance(node, ast.Attribute):
        parent = _dotted(node.value, aliases, known)
        if parent is not None and f"{parent}.{node.attr}" in known:
            return f"{parent}.{node.attr}"
    return None


def by_place(offences: set[str]) -> list[str]:
    """``path:line: …`` offences, by file, then line."""
    def place(offence: str) -> tuple[str, int]:
        path, line, _ = offence.split(":", 2)
        return path, int(line)

    return sorted(offences, key=place)


def private_imports(files: list[Path], known: set[str], base: Path = ROOT) -> list[str]:
    """``from m import _x`` and ``m._x`` where ``m`` is another module of ours."""
    offences = []
    for path in files:
        current = module_name(path, base)
        tree = parsed(path)
        is_package = path.name == "__init__.py"
        aliases = _module_aliases(tree, current, is_package, known)
        where = path.relative_to(base)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                source = _absolute(node.module, node.level, current, is_package)
                if source in known and source != current:
                    offences += [f"{where}:{node.lineno}: imports {source}.{alias.name}"
                                 for alias in node.names if _private(alias.name)]
            elif isinstance(node, ast.Attribute) and _private(node.attr):
                owner = _dotted(node.value, aliases, known)
                if owner is not None and owner != current:
                    offences.append(f"{where}:{node.lineno}: uses {owner}.{node.attr}")
    return by_place(set(offences))


def private_definitions(path: Path) -> set[str]:
    """The private names a module defines: functions, classes, module and class variables, and
    attributes its classes assign (``self._x = …``; not ``other._x = …``, which reaches in)."""
    names: set[str] = set()
    for node in ast.walk(parsed(path)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
              and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
            names.add(node.attr)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return {name for name in names if _private(name)}


def private_attributes(files: list[Path], owners: dict[str, set[str]], base: Path = ROOT) -> list[str]:
    """``obj._x`` where ``_x`` is a private attribute that only other modules of ours define (not
    ``self._x`` or ``cls._x``: a class reaching its own members)."""
    offences = []
    known = set(owners)
    for path in files:
        current = module_name(path, base)
        mine = private_definitions(path)
        tree = parsed(path)
        aliases = _module_aliases(tree, current, path.name == "__init__.py", known)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Attribute) and _private(node.attr)) or node.attr in mine:
                continue
            if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                continue
            if _dotted(node.value, aliases, known) is not None:
                continue  # a module's private name: private_imports reports it
            defined_in = sorted(module for module, names in owners.items() if node.attr in names and module != current)
            if defined_in:
                offences.append(f"{path.relative_to(base)}:{node.lineno}: {ast.unparse(node)} "
                                f"(private to {', '.join(defined_in)})")
    return by_place(set(offences))


def test_the_private_name_finders_see_every_form(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("from pkg.mod import _reexported\n", encoding="utf-8")
    (package / "mod.py").write_text("_hidden = 1\nclass Thing:\n    def __init__(self) -> None:\n"
                                    "        self._state = 0\n        self._state += 1\n", encoding="utf-8")
    (package / "other.py").write_text("from . import _sibling\n", encoding="utf-8")
    user = tmp_path / "user.py"
    user.write_text("import pkg.mod\nimport pkg.mod as m\nfrom pkg import mod\nfrom pkg.mod import _hidden, shown\n"
                    "from pkg.other import (\n    fine,\n    _also,\n)\n"
                    "pkg.mod._a()\nm._b\nmod._c\nmod.__doc__\nshown._not_a_module\nthing._state\n", encoding="utf-8")
    files = [package / "__init__.py", package / "mod.py", package / "other.py", user]
    known = {module_name(path, tmp_path) for path in files}
    assert private_imports(files, known, tmp_path) == [
        "pkg/__init__.py:1: imports pkg.mod._reexported", "pkg/other.py:1: imports pkg._sibling",
        "user.py:4: imports pkg.mod._hidden", "user.py:5: imports pkg.other._also", "user.py:9: uses pkg.mod._a",
        "user.py:10: uses pkg.mod._b", "user.py:11: uses pkg.mod._c"]
    owners = {module_name(path, tmp_path): private_definitions(path) for path in files[:3]}
    assert private_attributes(files, owners, tmp_path) == ["user.py:14: thing._state (private to pkg.mod)"]


def test_no_private_name_is_imported_outside_its_module() -> None:
    """``from m import _x`` or ``m._x`` in another module: make the name public, or move the code."""
    files = product_files() + other_files()
    known = {module_name(path) for path in files}
    offences = private_imports(files, known)
    assert not offences, f"{len(offences)} private name(s) used outside their module:\n" + "\n".join(offences)


def test_no_private_attribute_is_reached_from_another_module() -> None:
    """``store._side``, ``monitor._stop_worker``: a private member of a class of another module,
    reached from outside. Give the class a public method or property for what callers need."""
    owners = {module_name(path): private_definitions(path) for path in product_files()}
    offences = private_attributes(product_files() + other_files(), owners)
    assert not offences, (f"{len(offences)} private attribute(s) reached from another module:\n"
                          + "\n".join(offences))


# --- search backends, docstrings ---------------------------------------------------------------------


def test_only_presswatch_search_builds_search_backends() -> None:
    """One way to open a search backend, one to sync Elasticsearch: both in ``presswatch.search``.
    Elsewhere nobody constructs ``EsIndex`` / ``SqliteIndex``, calls ``client_from_env`` or imports
    the Elasticsearch client."""
    offences = []
    for path in product_files():
        if _in(module_name(path), (SEARCH,)):
            continue
        where = path.relative_to(ROOT)
        for node in ast.walk(parsed(path)):
            if isinstance(node, ast.Call):
                called = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                if called in BACKEND_BUILDERS:
                    offences.append(f"{where}:{node.lineno}: calls {called}()")
            elif isinstance(node, ast.Import):
                offences += [f"{where}:{node.lineno}: imports {alias.name}" for alias in node.names
                             if _in(alias.name, ("elasticsearch",))]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and _in(node.module or "", ("elasticsearch",)):
                offences.append(f"{where}:{node.lineno}: imports from {node.module}")
    assert not offences, ("build the backend with presswatch.search (open_backend) instead:\n"
                          + "\n".join(by_place(set(offences))))


def test_every_module_says_what_it_holds() -> None:
    missing = [str(path.relative_to(ROOT)) for path in product_files()
               if not (ast.get_docstring(parsed(path)) or "").strip()]
    assert not missing, f"modules without a docstring: {missing}"
