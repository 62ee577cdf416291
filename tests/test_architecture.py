"""The core package never imports streamlit; only app.py and app_pages/ may."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import corridormap

CORE = Path(corridormap.__file__).parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_core_module_imports_streamlit():
    offenders = {
        str(path.relative_to(CORE)): sorted(
            m
            for m in imported_modules(path)
            if m.split(".")[0] in {"streamlit", "streamlit_folium"}
        )
        for path in CORE.rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}
    assert len(offenders) >= 10  # the walk really saw the package


def test_importing_every_core_module_does_not_load_streamlit():
    modules = sorted(
        "corridormap." + ".".join(p.relative_to(CORE).with_suffix("").parts)
        for p in CORE.rglob("*.py")
        if p.name != "__init__.py"
    )
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print('streamlit' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_no_layer_name_branches_outside_the_catalog():
    """Layer keys appear as string literals only in the catalog (and the data build)."""
    keys = {
        "countries",
        "corridors",
        "nodes",
        "pipelines",
        "gas_destinations",
        "summits",
        "annotations",
    }
    allowed = {"catalog.py", "styles.py"}  # mapbuild/styles.py: the style-key registry
    hits = []
    for path in CORE.rglob("*.py"):
        if path.name in allowed or path.parent.name == "build_data":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Compare):
                for comp in [node.left, *node.comparators]:
                    if isinstance(comp, ast.Constant) and comp.value in keys:
                        hits.append(f"{path.name}:{node.lineno}")
    assert hits == []
