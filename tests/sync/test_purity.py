"""`sync/` stays a pure package: standard library and itself only, so it runs anywhere."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

SYNC_DIR = Path(__file__).resolve().parents[2] / "sync"


def imported_top_level_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_sync_imports_nothing_but_the_standard_library_and_itself() -> None:
    modules = sorted(SYNC_DIR.glob("*.py"))
    assert modules
    for path in modules:
        foreign = {name for name in imported_top_level_modules(path) if name != "sync"} - set(
            sys.stdlib_module_names
        )
        assert not foreign, f"{path.name} imports {sorted(foreign)}"
