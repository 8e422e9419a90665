"""The direction of imports inside `src/relance/`, as docs/design.md draws it.

Every import is read from the source, the ones inside functions included (a lazy
import is still a dependency). A module belongs to the layer of the longest prefix
that names it in `LAYERS`; the pages of every app (views, forms, urls, template tags,
admin, management commands) form the layer `PAGES`, above every service. A module may
import from its own layer or from a lower one; anything else is a finding, unless it
is in `ALLOWED`, which says why. Import cycles between modules are findings too.
"""
import ast
from collections import defaultdict
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "src"

# Bottom to top. Prefixes on one line share a layer.
LAYERS = [
    ("foundation", ["relance.env", "relance.settings", "relance.db", "relance.textfiles"]),
    ("law", ["relance.legal"]),
    ("ledger", ["relance.ledger"]),
    ("team", ["relance.team"]),
    ("frame", ["relance.web"]),
    ("cases", ["relance.cases"]),
    ("portal access", ["relance.portal.models", "relance.portal.links",
                       "relance.portal.rules", "relance.portal.emails"]),
    ("dunning models", ["relance.dunning.models"]),
    ("outbox", ["relance.delivery.models", "relance.delivery.outbox"]),
    ("dunning", ["relance.dunning"]),
    ("compose", ["relance.compose"]),
    ("delivery", ["relance.delivery"]),
    ("features", ["relance.recovery", "relance.portal", "relance.insights",
                  "relance.imports", "relance.scheduler"]),
    ("pages", []),
    ("entry points", ["relance.workspace", "relance.demo", "relance.urls", "relance.wsgi",
                      "relance.cli", "relance.__main__", "relance.api"]),
]
PAGES = "pages"
PAGE_PARTS = {"views", "forms", "urls", "templatetags", "admin", "management", "apps"}
PAGE_PREFIXES = ("views_", "forms_", "urls_")

# (importer, imported): why the import runs against the layers on purpose.
ALLOWED = {
}


def test_no_import_runs_against_the_layers():
    findings = [f"{importer} -> {imported} ({low} imports {high})"
                for importer, imported in sorted(_edges())
                for low, high in [(_layer(importer), _layer(imported))]
                if _rank(high) > _rank(low) and (importer, imported) not in ALLOWED]
    assert findings == []


def test_no_modules_import_each_other_in_a_circle():
    graph = defaultdict(set)
    for importer, imported in _edges():
        graph[importer].add(imported)
    assert _cycles(graph) == []


def test_every_allowed_exception_is_still_needed():
    edges = _edges()
    assert [pair for pair in ALLOWED if pair not in edges] == []


def test_the_checker_sees_a_lazy_import_and_a_relative_one():
    source = "def f():\n    from relance.web import urls\nfrom . import outbox\n"
    imported = set(_imports("relance.delivery.sending", ast.parse(source), False))
    assert imported == {"relance.web.urls", "relance.delivery.outbox"}


def test_the_pages_of_an_app_sit_above_every_service():
    assert _layer("relance.dunning.views.review") == PAGES
    assert _layer("relance.dunning.forms_templates") == PAGES
    assert _layer("relance.portal.links") == "portal access"
    assert _rank(_layer("relance.insights.metrics")) < _rank(PAGES)


def _modules():
    for path in sorted((SOURCE / "relance").rglob("*.py")):
        parts = path.relative_to(SOURCE).with_suffix("").parts
        if "migrations" in parts:
            continue
        package = parts[-1] == "__init__"
        yield ".".join(parts[:-1] if package else parts), path, package


def _edges():
    """Every (importer, imported) pair of modules of relance, once."""
    known = {name for name, _, _ in _modules()}
    edges = set()
    for name, path, package in _modules():
        for imported in _imports(name, ast.parse(path.read_text()), package):
            target = _known(imported, known)
            if target and target != name and not name.startswith(target + "."):
                edges.add((name, target))
    return edges


def _imports(name, tree, package):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _base(name, node, package)
            if node.module is None or node.level:
                yield from (f"{base}.{alias.name}" if base else alias.name
                            for alias in node.names)
            else:
                yield from (f"{base}.{alias.name}" for alias in node.names)


def _base(name, node, package):
    if not node.level:
        return node.module
    parts = name.split(".")
    parts = parts[:len(parts) - node.level + (1 if package else 0)]
    return ".".join(parts + ([node.module] if node.module else []))


def _known(imported, known):
    """The module an import names: `from a.b import c` names a.b.c when c is a module,
    else a.b."""
    while imported and imported not in known:
        imported = imported.rpartition(".")[0]
    return imported if imported.startswith("relance") else None


def _layer(module):
    named = max(((len(prefix), layer) for layer, prefixes in LAYERS
                 for prefix in prefixes if _under(module, prefix)), default=(0, None))[1]
    assert named, f"{module} is in no layer: add it to LAYERS"
    parts = module.split(".")[2:]
    page = any(p in PAGE_PARTS or p.startswith(PAGE_PREFIXES) for p in parts)
    return PAGES if page and named != "entry points" else named


def _under(module, prefix):
    return module == prefix or module.startswith(prefix + ".")


def _rank(layer):
    return [name for name, _ in LAYERS].index(layer)


def _cycles(graph):
    """Every strongly connected group of more than one module (Tarjan), sorted."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)
