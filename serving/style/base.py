"""What every style engine offers: rewrite a reply's sentences into a persona's voice."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from serving.personas.schema import Persona


@runtime_checkable
class StyleEngine(Protocol):
    """Engines: `identity` (copy), `rules` (Kiwi, the default), `kobart` (learned), `prompt` (LLM).

    `rewrite` takes the sentences of one reply and returns the same number of sentences,
    in order, in the persona's voice. It must never raise on odd text: an engine that
    cannot handle a sentence returns it unchanged (or falls back) and logs why.
    """

    name: str

    def rewrite(self, sentences: list[str], persona: "Persona") -> list[str]: ...


class IdentityEngine:
    """Copies its input: the floor every engine must beat in the style evaluation."""

    name = "identity"

    def rewrite(self, sentences: list[str], persona: "Persona") -> list[str]:
        return list(sentences)
