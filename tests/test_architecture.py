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
    upward = [(line, m) for line, m in _imports(path) if (_stage(m) or 0) > here]
    assert not upward, f"{path.relative_to(PACKAGE)} imports stages to its right: {upward}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_stay_small(path):
    assert len(path.read_text().splitlines()) <= MAX_LINES


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
