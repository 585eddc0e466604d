"""The package's shape: imports run down the pipeline, modules stay small, `import bosonpeak` stays light."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "bosonpeak"
#: The pipeline, left to right; a module may import only from its own stage or stages to its left.
ORDER = ["model", "matrices", "spectra", "analysis", "theory", "plotting", "workflows", "cli"]
#: Lines past which a module is split (docs/architecture.md).
MAX_LINES = 420
#: The one allowed rightward import: a container's ``plot`` method calls its plotting function,
#: imported inside the method (an accessor, as pandas' ``DataFrame.plot``; docs/architecture.md).
ACCESSORS = {("spectra/density.py", "plotting.spectrum")}


def _stage(module: str) -> int | None:
    head = module.split(".")[0]
    return ORDER.index(head) if head in ORDER else None


def _imports(path: Path):
    """(line, absolute module inside bosonpeak) for every import in ``path``."""
    rel = path.relative_to(PACKAGE).with_suffix("").parts
    package = rel[:-1] if rel[-1] != "__init__" else rel[:-1]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = list(package[: len(package) - (node.level - 1)])
            target = ".".join(base + ([node.module] if node.module else []))
            names = [target] if node.module else [".".join(base + [a.name]) for a in node.names]
            for name in names:
                yield node.lineno, name.strip(".")
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("bosonpeak."):
            yield node.lineno, node.module.split(".", 1)[1]


MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_run_down_the_pipeline(path):
    here = _stage(".".join(path.relative_to(PACKAGE).parts))
    if here is None:  # top-level modules: __init__ lifts the public API, private helpers import nothing staged
        if path.name == "__init__.py" or path.name == "__main__.py":
            return
        bad = [(line, m) for line, m in _imports(path) if _stage(m) is not None]
        assert not bad, f"private helper {path.name} imports pipeline stages: {bad}"
        return
    rel = str(path.relative_to(PACKAGE))
    upward = [(line, m) for line, m in _imports(path) if (_stage(m) or 0) > here and (rel, m) not in ACCESSORS]
    assert not upward, f"{path.relative_to(PACKAGE)} imports stages to its right: {upward}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_stay_small(path):
    assert len(path.read_text().splitlines()) <= MAX_LINES


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(("bosonpeak",) + (parts[:-1] if parts[-1] == "__init__" else parts))


NAMES = {_module_name(p): p for p in MODULES}


def _targets(path: Path):
    """(line, imported thing) for every import in ``path``, each a module of the package
    (``bosonpeak.x.y``) or, for a name taken from a package, ``(package, name)``."""
    name = _module_name(path)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "bosonpeak":
                    yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                source = ".".join(package[: len(package) - (node.level - 1)] + ([node.module] if node.module else []))
            elif node.module and node.module.split(".")[0] == "bosonpeak":
                source = node.module
            else:
                continue
            for alias in node.names:
                sub = f"{source}.{alias.name}"
                yield node.lineno, sub if sub in NAMES else (source, alias.name)


def test_no_module_imports_the_package_face():
    """``bosonpeak/__init__.py`` is a door at the top: it lifts names, nothing inside imports them from it."""
    bad = []
    for path in MODULES:
        if path == PACKAGE / "__init__.py":
            continue
        for line, target in _targets(path):
            if target == "bosonpeak" or (isinstance(target, tuple) and target[0] == "bosonpeak"):
                bad.append(f"{path.relative_to(PACKAGE)}:{line} imports {target}")
    assert not bad, bad


def _graph() -> dict[str, set[str]]:
    """Module -> the modules it imports (at the top or inside a function; a name taken from a
    package is an edge to the package's ``__init__``)."""
    graph = {}
    for name, path in NAMES.items():
        edges = {t if isinstance(t, str) else t[0] for _, t in _targets(path)}
        graph[name] = {t for t in edges if t in NAMES and t != name}
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            v, children = work[-1]
            w = next(children, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component.append(w)
                    if w == v:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_circle_finder_finds_a_circle():
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _circles({"a": {"b"}, "b": set()}) == []


def test_no_import_circles():
    assert _circles(_graph()) == []


def test_import_is_light():
    code = ("import sys, bosonpeak; heavy = ('dask', 'distributed', 'matplotlib', 'xarray', 'netCDF4', 'numba', 'cupy'); "
            "print(sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in heavy}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


def test_public_api_is_lifted():
    import bosonpeak

    for name in bosonpeak.__all__:
        assert hasattr(bosonpeak, name), name
    assert set(bosonpeak.methods()) >= {"dense", "banded", "slicing", "kpm"}


def test_accessor_imports_stay_inside_plot_methods():
    for rel, module in ACCESSORS:
        tree = ast.parse((PACKAGE / rel).read_text())
        plots = [f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef) and f.name == "plot"]
        inside = {n.lineno for f in plots for n in ast.walk(f) if isinstance(n, ast.ImportFrom)}
        lines = [line for line, m in _imports(PACKAGE / rel) if m == module]
        assert lines and set(lines) <= inside, (rel, module, lines)
