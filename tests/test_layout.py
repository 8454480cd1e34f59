"""The app's layout keeps its rules: no import circle between its modules, and migrations that
do not run live code."""

import ast
from pathlib import Path

ARTICLES = Path(__file__).resolve().parent.parent / "articles"
# Field definitions Django writes into migrations name these callables (a validator, an
# on_delete rule); they describe fields and never change what a migration does to the data.
# Modules whose field callables and field classes migrations name (JSONText: snapshots).
FIELD_CALLABLES = {"articles.images", "articles.models.sources", "articles.models.snapshots"}


def modules():
    found = {}
    for path in ARTICLES.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        name = ".".join(path.relative_to(ARTICLES.parent).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


def imports(name, path, known):
    """The app's modules `name` imports at module level (not inside functions)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                target = f"{base}.{alias.name}"
                found.add(target if target in known else base)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return {module for module in found if module in known and module != name}


def test_no_module_of_the_app_imports_itself_in_a_circle():
    known = modules()
    graph = {name: imports(name, path, known) for name, path in known.items()}
    circles = []

    def walk(name, path):
        for following in sorted(graph[name]):
            if following in path:
                circles.append(path[path.index(following) :] + [following])
            elif len(path) < 12:
                walk(following, [*path, following])

    for name in sorted(graph):
        walk(name, [name])
    assert not circles, "import circles: " + "; ".join(" -> ".join(c) for c in circles[:5])


def test_migrations_carry_their_own_logic():
    for path in sorted((ARTICLES / "migrations").glob("0*.py")):
        tree = ast.parse(path.read_text())
        live = {
            alias.name if isinstance(node, ast.Import) else node.module
            for node in ast.walk(tree)
            if isinstance(node, (ast.Import, ast.ImportFrom))
            for alias in node.names
        }
        live = {name for name in live if name and name.startswith("articles")}
        assert live <= FIELD_CALLABLES, f"{path.name} imports {sorted(live - FIELD_CALLABLES)}"
