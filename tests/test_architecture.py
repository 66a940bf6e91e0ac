"""The package map in docs/architecture.md, enforced: layers point down, features never sideways.

Every import in ``koerskaart/`` counts, including those inside functions and under
``TYPE_CHECKING``: a type-only import is still a dependency a reader must follow.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "koerskaart"
ROOT = "koerskaart"

# Shared modules at the top of the package, usable by every layer above them.
BASE = {"clock", "security", "config", "extensions", "heap"}
SHARED = BASE | {"i18n", "forms", "qr", "headers", "charts", "pdf", "sheets", "markdown"}
CORE = {"engine", "content", "models", "live", "cli", "deckprint"} | SHARED
FEATURES = {"play", "auth", "reports", "conference", "studio", "analytics"}

# What each part may import from koerskaart (itself always). The composition root
# (koerskaart/__init__.py) and __main__ may import anything.
ALLOWED: dict[str, set[str]] = {
    "engine": set(),
    "content": set(),
    "clock": set(),
    "security": set(),
    "config": set(),
    "extensions": set(),
    "heap": set(),
    "i18n": set(),
    "forms": set(),
    "qr": set(),
    "headers": set(),
    "charts": set(),
    "pdf": set(),
    "sheets": set(),
    "markdown": set(),
    "models": {"engine", "clock", "security", "extensions"},
    "live": {"engine", "content", "models"} | SHARED,
    "cli": {"content", "live", "deckprint"} | SHARED,
    # A deck on paper (the print PDF): the command line and the play feature's deck page share it.
    "deckprint": {"content", "pdf", "markdown", "i18n"},
    # The database schema against migrations/; readiness for a load balancer. The composition
    # root and __main__ use them; no feature needs them.
    "schema": {"extensions"},
    "health": {"live", "schema"} | SHARED,
    **{feature: CORE - {"cli"} for feature in FEATURES},
}
ROOTS = {"__init__", "__main__"}

# Beyond the standard library, the engine and the content format are plain Python.
ENGINE_THIRD_PARTY: set[str] = set()
CONTENT_THIRD_PARTY = {"pydantic", "yaml"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_package(name: str) -> bool:
    return (PACKAGE.parent / name.replace(".", "/") / "__init__.py").exists()


def is_module(name: str) -> bool:
    base = PACKAGE.parent / name.replace(".", "/")
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def imports(path: Path) -> Iterator[tuple[str, int]]:
    """Absolute names of every module ``path`` imports, with line numbers."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                # `from . import payloads` names a module; `from .x import thing` names a value.
                yield (candidate if is_module(candidate) else target), node.lineno


def part_of(name: str) -> str:
    """The part of the map a koerskaart module belongs to: its first segment below the package."""
    segments = name.split(".")
    return segments[1] if len(segments) > 1 else "__init__"


def sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_part_is_on_the_map() -> None:
    parts = {part_of(module_name(path)) for path in sources()}
    unmapped = parts - set(ALLOWED) - ROOTS
    assert not unmapped, f"add {sorted(unmapped)} to docs/architecture.md and ALLOWED"


def test_layers_point_down_and_features_never_sideways() -> None:
    crossings: set[str] = set()
    for path in sources():
        source = module_name(path)
        here = part_of(source)
        if here in ROOTS:
            continue
        for target, line in imports(path):
            if target != ROOT and not target.startswith(ROOT + "."):
                continue
            there = part_of(target)
            if there != here and there not in ALLOWED[here]:
                crossings.add(f"{path.relative_to(PACKAGE.parent)}:{line}: {here} -> {there} ({target})")
    assert not crossings, "imports across the map's arrows:\n" + "\n".join(sorted(crossings))


def test_the_engine_and_the_deck_format_need_no_framework() -> None:
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    found = []
    for path in sources():
        here = part_of(module_name(path))
        allowed = {"engine": ENGINE_THIRD_PARTY, "content": CONTENT_THIRD_PARTY}.get(here)
        if allowed is None:
            continue
        for target, line in imports(path):
            top = target.split(".")[0]
            if top != ROOT and top not in stdlib and top not in allowed:
                found.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {target}")
    assert not found, "the engine imports no framework (ARCHITECTURE.md):\n" + "\n".join(found)


def test_no_module_imports_itself_in_a_loop() -> None:
    graph: dict[str, set[str]] = {}
    for path in sources():
        source = module_name(path)
        graph[source] = {
            target
            for target, _line in imports(path)
            if target.startswith(ROOT + ".") and target != source and is_module(target)
        }
    # A package's __init__ may gather its own submodules; a submodule importing that
    # package back is the loop we look for, so package -> own child edges stay.
    loops: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                loops.append([*trail[trail.index(nxt) :], nxt] if nxt in trail else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not loops, "import loops:\n" + "\n".join(" -> ".join(loop) for loop in loops)
