"""The search package's shape: plain-string modules without Django, no import circle, small modules."""

import ast
import subprocess
import sys
from pathlib import Path

import speeches.search

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "speeches" / "search"
PLAIN = ("speeches.search.text", "speeches.search.query", "speeches.search.expressions")


def test_folding_the_indexed_form_and_the_query_language_import_no_django():
    code = (
        f"import sys; import {', '.join(PLAIN)}; print(sorted({{m.split('.')[0] for m in sys.modules}} & {{'django'}}))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def node(name: str) -> str:
    """The models package counts as one: how its modules import one another is its own affair."""
    return "speeches.models" if name.startswith("speeches.models") else name


def imports(path: Path, name: str) -> set[str]:
    """Every module `path` imports, at its top or inside a function, by full name."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            if node.module:  # `from . import x` imports the module x, not the package's own names
                found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "_ON_FIRST_USE" for t in node.targets):
            # The package loads these modules by name on first use.
            found.update(f"{name}.{module}" for module in ast.literal_eval(node.value).values())
    return found


def test_no_import_circle_between_the_search_the_filters_and_the_models():
    paths = [*PACKAGE.glob("*.py"), ROOT / "speeches" / "filters.py", *(ROOT / "speeches" / "models").glob("*.py")]
    graph: dict[str, set[str]] = {}
    for path in paths:
        name = module_name(path)
        graph.setdefault(node(name), set()).update(node(other) for other in imports(path, name))
    graph = {name: {other for other in others if other in graph and other != name} for name, others in graph.items()}
    assert graph["speeches.models"] <= {"speeches.search.text"}
    visiting, done = [], set()

    def visit(name):
        if name in done:
            return
        assert name not in visiting, " -> ".join([*visiting[visiting.index(name) :], name])
        visiting.append(name)
        for other in graph[name]:
            visit(other)
        visiting.pop()
        done.add(name)

    for name in graph:
        visit(name)


def test_no_module_of_the_package_is_long():
    for path in PACKAGE.glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 400, path.name


def test_every_name_the_package_offers_is_there():
    for name in speeches.search.__all__:
        assert getattr(speeches.search, name) is not None, name
