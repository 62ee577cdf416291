"""The core package's shape: it never imports streamlit (only app.py and app_pages/ may), its
modules stay short, and its browser code lives in files of its own, not in Python strings."""

from __future__ import annotations

import ast
import re
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


#: The longest a core module may grow (lines): past this, it is cut by responsibility.
MAX_MODULE_LINES = 700
#: The most lines of browser code (JavaScript or CSS) a Python string may hold: the map's code
#: lives in ``src/corridormap/static/``, where it is linted, formatted and unit-tested.
MAX_CODE_LINES = 15
#: What marks a line as JavaScript or CSS rather than prose.
CODE_LINE = re.compile(
    r"\bfunction\b|=>|\b(?:const|let|var)\s+\w|document\.|window\.|[;{}]\s*$|^\s*}"
)


def test_no_core_module_is_longer_than_the_bound():
    lengths = {
        str(p.relative_to(CORE)): len(p.read_text(encoding="utf-8").splitlines())
        for p in CORE.rglob("*.py")
    }
    assert {k: n for k, n in lengths.items() if n > MAX_MODULE_LINES} == {}
    assert len(lengths) >= 10


def _strings(tree: ast.AST) -> list[tuple[int, str]]:
    """Every string literal that is not a docstring, with its line; an f-string's literal
    parts are joined (its placeholders count as nothing)."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    parts_of_fstrings = {
        id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = "".join(
                v.value
                for v in node.values
                if isinstance(v, ast.Constant) and isinstance(v.value, str)
            )
            found.append((node.lineno, text))
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings | parts_of_fstrings
        ):
            found.append((node.lineno, node.value))
    return found


def code_lines(text: str) -> int:
    return sum(1 for line in text.splitlines() if CODE_LINE.search(line))


def test_the_code_line_count_tells_browser_code_from_prose():
    script = "\n".join(["function f(x) {", "  const y = x + 1;", "  return y;", "}"] * 4)
    css = "\n".join([".cm-label {", "  color: #222;", "}"] * 6)
    prose = "A label is placed where it overlaps nothing; if no place is free, it is left out."
    assert code_lines(script) == 16 > MAX_CODE_LINES
    assert code_lines(css) == 18 > MAX_CODE_LINES
    assert code_lines("\n".join([prose] * 20)) == 0
    braced = script.replace("{", "{{").replace("}", "}}")  # as an f-string writes braces
    tree = ast.parse(f'x = f"""{braced}{{y}}"""\n')
    assert [code_lines(s) for _, s in _strings(tree)] == [16]


def test_no_python_string_holds_more_than_a_snippet_of_browser_code():
    long = [
        f"{path.relative_to(CORE)}:{line} ({code_lines(text)} lines)"
        for path in CORE.rglob("*.py")
        for line, text in _strings(ast.parse(path.read_text(encoding="utf-8")))
        if code_lines(text) > MAX_CODE_LINES
    ]
    assert long == []
