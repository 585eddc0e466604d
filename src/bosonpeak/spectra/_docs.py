"""The ``**options`` entry of ``dos``'s docstring, read from the registered engines' signatures and docstrings."""

from __future__ import annotations

import inspect


def _parameter_docs(doc: str | None) -> dict[str, tuple[str, str]]:
    """``{name: (type, description)}`` from the numpydoc Parameters section of ``doc``."""
    lines = inspect.cleandoc(doc or "").splitlines()
    try:
        start = lines.index("Parameters") + 2
    except ValueError:
        return {}
    out, names = {}, []
    for line in lines[start:]:
        if line and not line.startswith(" "):
            if " : " not in line:
                break
            head, kind = line.split(" : ", 1)
            names = [n.strip() for n in head.split(",")]  # "a, b : type" documents both
            for n in names:
                out[n] = (kind.strip(), "")
        elif names and line.strip():
            for n in names:
                out[n] = (out[n][0], (out[n][1] + " " + line.strip()).strip())
    return out


def engine_options_doc(engines: dict, common: tuple, indent: str = "        ") -> str:
    """The ``**options`` entry of ``dos``'s docstring: every registered engine's own options,
    read from its signature (name, default) and its docstring (type, description)."""
    text = [f"{indent}Options of the chosen method (``bosonpeak.methods()`` lists them):\n"]
    for name, engine in sorted(engines.items()):
        params = inspect.signature(engine).parameters.values()
        own = [p for p in params if p.kind is p.KEYWORD_ONLY and p.name not in common]
        docs = _parameter_docs(engine.__doc__)
        text.append(f"\n{indent}- ``method=\"{name}\"``:" + (" no options.\n" if not own else "\n\n"))
        for p in own:
            kind, description = docs.get(p.name, ("", ""))
            default = "" if p.default is p.empty else f"default ``{p.default!r}``"
            head = "; ".join(x for x in (kind, default) if x)
            text.append(f"{indent}  - ``{p.name}`` ({head}): {description}\n".replace(": \n", "\n"))
    return "".join(text)
