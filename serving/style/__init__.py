"""Style engines: rewrite a reply's sentences into a persona's voice.

`get_engine(name, **kwargs)` builds one by name. Engines register a factory in
`ENGINES` (a name → zero-cost callable that imports lazily), so adding `kobart` or
`prompt` is one line here.
"""

from __future__ import annotations

from collections.abc import Callable

from serving.style.base import IdentityEngine, StyleEngine


def _rules(**kwargs) -> StyleEngine:
    from serving.style.rules import RulesEngine

    return RulesEngine(**kwargs)


def _identity(**kwargs) -> StyleEngine:
    return IdentityEngine()


def _kobart(**kwargs) -> StyleEngine:
    from serving.style.kobart import KoBARTEngine

    return KoBARTEngine(**kwargs)


def _prompt(**kwargs) -> StyleEngine:
    from serving.style.prompt import PromptEngine

    return PromptEngine(**kwargs)


ENGINES: dict[str, Callable[..., StyleEngine]] = {
    "identity": _identity,
    "rules": _rules,
    "kobart": _kobart,
    "prompt": _prompt,
}


def get_engine(name: str, **kwargs) -> StyleEngine:
    """The engine called `name` ("identity", "rules", ...), built with `kwargs`."""
    try:
        factory = ENGINES[name]
    except KeyError:
        raise ValueError(f"unknown style engine {name!r}; known: {', '.join(sorted(ENGINES))}") from None
    return factory(**kwargs)


__all__ = ["ENGINES", "StyleEngine", "IdentityEngine", "get_engine"]
