"""Every ```python block of README.md and docs/*.md runs.

The blocks of one file run in order in one namespace, as a reader would paste them. Each block is
a test of its own (named by file and line), so a broken example names itself.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FENCE = re.compile(r"^```python[^\n]*\n(.*?)^```", re.S | re.M)


def python_blocks(path: Path) -> list[tuple[int, str]]:
    """``(line, code)`` of every ```python block in a Markdown file."""
    text = path.read_text()
    return [(text.count("\n", 0, m.start()) + 1, m.group(1)) for m in FENCE.finditer(text)]


FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCKS = [(path, line, code) for path in FILES for line, code in python_blocks(path)]
_namespaces: dict[Path, dict] = {}


def test_blocks_found():
    # the README and the docs pages have Python examples; a changed fence style must not silently drop them all
    assert sum(path.name == "README.md" for path, _, _ in BLOCKS) >= 1
    assert len(BLOCKS) >= 6


def test_fence_pattern():
    text = "x\n```python\na = 1\n```\n```\nnot python\n```\n```python\nb = a + 1\n```\n"
    assert [code for _, code in [(0, m.group(1)) for m in FENCE.finditer(text)]] == ["a = 1\n", "b = a + 1\n"]


@pytest.mark.parametrize("path, line, code", BLOCKS, ids=[f"{p.relative_to(ROOT)}:{n}" for p, n, _ in BLOCKS])
def test_example_runs(path, line, code, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # anything an example writes stays out of the checkout
    namespace = _namespaces.setdefault(path, {"__name__": f"example:{path.name}"})
    exec(compile(code, f"{path.relative_to(ROOT)}:{line}", "exec"), namespace)
