"""Which apps an app's code imports (issue 16: layers that hold). Read with `ast`, so an import
inside a function counts too; tests and migrations may import what they like. Plain modules
(hotline.clock, hotline.core, hotline.formatting...) are no apps and may be used by any app."""

import ast
from pathlib import Path

HOTLINE = Path(__file__).resolve().parent.parent
APPS = frozenset(p.parent.name for p in HOTLINE.glob("*/apps.py"))


def app_sources(app: str) -> list[Path]:
    """The app's own code, without its tests and migrations."""
    root = HOTLINE / app
    skipped = {"tests", "migrations"}
    return sorted(p for p in root.rglob("*.py") if not skipped & set(p.relative_to(root).parts))


def hotline_imports(source: str) -> list[str]:
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
            if node.module == "hotline":  # from hotline import tickets
                found += [f"hotline.{alias.name}" for alias in node.names]
    return [m for m in found if m.startswith("hotline.")]


def apps_not_below(modules: list[str], below: frozenset[str]) -> list[str]:
    """The modules of `modules` that belong to an app outside `below`."""
    return [m for m in modules if m.split(".")[1] in APPS - below]


def imports_above(app: str, below: frozenset[str]) -> dict[str, list[str]]:
    """Per file of `app`, the imports of apps other than those in `below` (which holds `app`)."""
    root = HOTLINE / app
    return {
        str(path.relative_to(root)): found
        for path in app_sources(app)
        if (found := apps_not_below(hotline_imports(path.read_text(encoding="utf-8")), below))
    }
