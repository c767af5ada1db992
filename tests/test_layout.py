"""The house rules of the code: small modules, functions a reader can hold, and packages that
depend one way (spiders <- pipeline <- schedules <- microintern)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PACKAGES = ("spiders", "pipeline", "schedules", "microintern", "bench")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80
# Which of our packages each may import: the arrows of one direction, never back.
MAY_IMPORT = {
    "spiders": set(),
    "pipeline": {"spiders"},
    "schedules": {"pipeline", "spiders"},
    "microintern": {"pipeline", "schedules", "spiders"},
    "bench": {"pipeline", "schedules", "spiders", "microintern"},
}


def modules() -> list[Path]:
    return sorted(path for package in PACKAGES for path in (ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("path", modules(), ids=lambda path: str(path.relative_to(ROOT)))
def test_modules_are_small_and_functions_short(path):
    text = path.read_text()
    assert text.count("\n") <= MAX_MODULE_LINES, f"{path.name}: over {MAX_MODULE_LINES} lines"
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, f"{path.name}: functions over {MAX_FUNCTION_LINES} lines: {long}"


def imported_packages(path: Path) -> set[str]:
    """Our top-level packages that a module imports, at any depth of its code."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
    return found & set(PACKAGES)


def test_packages_import_one_way():
    wrong = [
        f"{path.relative_to(ROOT)} imports {package}"
        for path in modules()
        for package in imported_packages(path)
        if package != path.relative_to(ROOT).parts[0]
        and package not in MAY_IMPORT[path.relative_to(ROOT).parts[0]]
    ]
    assert not wrong
