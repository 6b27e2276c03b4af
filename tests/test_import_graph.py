"""The import graph of ``rustforge`` has no cycle.

The layer contracts of ``make lint`` (setup.cfg) only see imports between the
packages they name; this test sees every module, so a cycle inside a package
(``forms.fields`` <-> ``forms.forms``) cannot slip in between them. Imports
under ``TYPE_CHECKING`` are left out (they never run), and so is a module
importing its own parent package: Python has imported that parent already.
"""

from __future__ import annotations

import grimp


def import_graph() -> dict[str, set[str]]:
    graph = grimp.build_graph("rustforge", exclude_type_checking_imports=True, cache_dir=None)
    return {module: {imported for imported in graph.find_modules_directly_imported_by(module)
                     if not module.startswith(imported + ".")}
            for module in graph.modules}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def describe(component: list[str], edges: dict[str, set[str]]) -> str:
    members = set(component)
    return "\n".join(f"  {module} -> {', '.join(sorted(edges[module] & members))}"
                     for module in component)


def test_finds_a_cycle_when_there_is_one():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(edges) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_rustforge_has_no_import_cycle():
    edges = import_graph()
    assert "rustforge.db.models" in edges and "rustforge.apps.registry" in edges
    found = cycles(edges)
    assert not found, "import cycles in rustforge (break them by design, see " \
        "docs/architecture.md):\n" + "\n\n".join(describe(c, edges) for c in found)
