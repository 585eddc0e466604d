"""Sphinx configuration of the bosonpeak documentation.

Build (from the repository root, after ``pip install -e ".[docs]"``)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

The gallery (``docs/gallery``) and the tutorials (``docs/tutorials``) are Python scripts that
sphinx-gallery runs during the build, so every figure on the site is made by the build. The API
pages are written here, before the build, from the package's own subpackages and modules, so a
new module appears in the reference without editing the docs.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
os.environ.setdefault("MPLBACKEND", "Agg")

import bosonpeak  # noqa: E402

project = "bosonpeak"
author = "the bosonpeak developers"
copyright = "2026, the bosonpeak developers"
release = bosonpeak.__version__
version = release

extensions = [
    "myst_parser",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "gallery/README.rst", "tutorials/README.rst"]
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3

numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
autodoc_member_order = "bysource"
autodoc_typehints = "none"

html_theme = "alabaster"
html_theme_options = {
    "description": "Vibrational spectra of disordered spring networks and the Boson peak",
    "fixed_sidebar": True,
}
html_title = f"bosonpeak {release}"

sphinx_gallery_conf = {
    "examples_dirs": ["gallery", "tutorials"],
    "gallery_dirs": ["auto_gallery", "auto_tutorials"],
    "filename_pattern": r"/",  # run every script: each figure on the site is made by the build
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "remove_config_comments": True,
    "show_memory": False,
    "image_scrapers": ("matplotlib",),
    "matplotlib_animations": False,
}

#: The pipeline, in the order the reference lists it (docs/architecture.md).
SUBPACKAGES = ["model", "matrices", "spectra", "analysis", "theory", "plotting", "workflows", "cli"]


def _public_modules(package: str) -> list[str]:
    module = importlib.import_module(f"bosonpeak.{package}")
    return sorted(f"bosonpeak.{package}.{m.name}" for m in pkgutil.iter_modules(module.__path__) if not m.name.startswith("_"))


def write_api_pages(target: Path = HERE / "api") -> None:
    """One reference page per subpackage: its docstring, then every public module with its members."""
    target.mkdir(exist_ok=True)
    index = ["API reference", "=============", "",
             "The public API is what ``bosonpeak`` lifts to the top level (:doc:`public`); the pages after it",
             "follow the pipeline ``model -> matrices -> spectra -> analysis, theory -> plotting -> workflows -> cli``",
             "and list every public module of each subpackage.", "",
             ".. toctree::", "   :maxdepth: 1", "", "   public"] + [f"   {p}" for p in SUBPACKAGES] + [""]
    pages = {"index": "\n".join(index)}
    pages["public"] = "\n".join(["The public API: ``import bosonpeak``", "=" * 40, "",
                                 ".. automodule:: bosonpeak", "   :members:", ""])
    for package in SUBPACKAGES:
        title = f"bosonpeak.{package}"
        lines = [title, "=" * len(title), "", f".. automodule:: bosonpeak.{package}", "   :no-members:", ""]
        for name in _public_modules(package):
            lines += [name, "-" * len(name), "", f".. automodule:: {name}", "   :members:", ""]
        pages[package] = "\n".join(lines)
    for name, text in pages.items():
        path = target / f"{name}.rst"
        if not path.exists() or path.read_text() != text:  # unchanged pages keep their time stamps
            path.write_text(text)


def skip_foreign(app, what, name, obj, skip, options):
    """Leave out names a module imported from elsewhere (``cKDTree`` in ``model.lattice``)."""
    module = getattr(obj, "__module__", None)
    if isinstance(module, str) and not module.startswith("bosonpeak") and what == "module":
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", skip_foreign)


write_api_pages()
