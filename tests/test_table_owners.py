"""Each table is its owner's: no product module runs SQL on a table another module owns.

The owners are those of the schema registry (``presswatch.store.schema.SCHEMAS``): the module (or,
for ``presswatch.store``, the package) that declares the ``Schema`` creating a table owns it, and a
module declaring a schema of its own inside that package owns only its own tables. Every other
module goes through the owner's functions. The one deliberate exception, documented in both modules:
the SQLite search backend reads (never writes) the store's article and index tables.

The test reads the string literals of the product's code (f-strings included, docstrings left out)
for SQL naming a table (``FROM``/``JOIN`` to read; ``INSERT INTO``, ``UPDATE``, ``DELETE FROM``,
``CREATE``/``ALTER``/``DROP TABLE``, ``CREATE INDEX … ON`` to write) and lists every offence, with
its file and line. A table named only through a variable escapes it; keep table names literal.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from presswatch.store.schema import MIGRATIONS_TABLE, SCHEMAS, load_schemas

ROOT = Path(__file__).resolve().parents[1]
# the product
PACKAGES = ("presswatch", "analysis", "crawler", "alerts", "cases", "register", "trends", "evidence", "reports",
            "reanalysis", "learning")
OTHER_OWNERS = {
    MIGRATIONS_TABLE: "presswatch.store",  # the migration mechanism's bookkeeping (presswatch.store.schema)
    "apscheduler_jobs": "presswatch.service.jobstore",  # APScheduler's job store, configured and read there
}
# module → the owner whose tables it may read (not write), as its docstring and the owner's say
READS_ALLOWED = {"presswatch.search.sqlite": "presswatch.store"}

_WRITE = (r"DELETE\s+FROM|(?:INSERT|REPLACE)(?:\s+OR\s+\w+)?\s+INTO|UPDATE"
          r"|(?:CREATE|ALTER|DROP)\s+(?:VIRTUAL\s+|TEMP\s+|TEMPORARY\s+)?TABLE(?:\s+IF\s+(?:NOT\s+)?EXISTS)?"
          r"|CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?\w+\s+ON")
SQL = re.compile(rf"\b(?:(?P<write>{_WRITE})|(?P<read>FROM|JOIN))\s+(?P<table>[A-Za-z_]\w*)")
CREATES = re.compile(r"\bCREATE\s+(?:VIRTUAL\s+)?TABLE\s+(?P<table>\w+)")


def owners() -> dict[str, str]:
    """Every table, by the owner (module or package) whose registered schema creates it."""
    found = dict(OTHER_OWNERS)
    for name, schema in zip(SCHEMAS, load_schemas(), strict=True):
        for migration in schema.migrations:
            for statement in migration.statements():
                for match in CREATES.finditer(statement):
                    found[match["table"]] = name.partition(":")[0]
    return found


def owner_of(module: str, owning: set[str]) -> str | None:
    """The owner ``module`` speaks for: itself, or the innermost owning package holding it."""
    candidates = [o for o in owning if module == o or module.startswith(o + ".")]
    return max(candidates, key=len) if candidates else None


def product_modules() -> Iterator[tuple[str, Path]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


def literals(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """(line, text) of every string literal but docstrings; an f-string's parts joined around ``{}``."""
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant) and isinstance(node.body[0].value.value, str)}
    inside_fstrings: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            inside_fstrings.update(id(part) for part in node.values)
            yield node.lineno, "".join(str(part.value) if isinstance(part, ast.Constant) else "{}"
                                       for part in node.values)
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
              and id(node) not in inside_fstrings):
            yield node.lineno, node.value


def test_only_a_tables_owner_runs_sql_on_it() -> None:
    tables = owners()
    owning = set(tables.values())
    offences = []
    seen_by_owner: dict[str, int] = {}
    for module, path in product_modules():
        speaks_for = owner_of(module, owning)
        for line, text in literals(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            for match in SQL.finditer(text):
                table = match["table"]
                owner = tables.get(table)
                if owner is None:  # not a table (an alias, a CTE, json_each, a temporary table…)
                    continue
                if owner == speaks_for:
                    seen_by_owner[owner] = seen_by_owner.get(owner, 0) + 1
                    continue
                if match["read"] and READS_ALLOWED.get(module) == owner:
                    continue
                verb = "writes" if match["write"] else "reads"
                offences.append(f"{path.relative_to(ROOT)}:{line}: {module} {verb} {table}, a table of {owner}")
    assert not offences, ("SQL on tables the module does not own; call a function of the owner instead "
                          "(presswatch.store.schema says who owns what):\n" + "\n".join(offences))
    # The scan sees SQL at all: every registered owner runs some on its own tables.
    assert {name.partition(":")[0] for name in SCHEMAS} <= set(seen_by_owner)
