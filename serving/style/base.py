"""What every style engine offers: rewrite a reply's sentences into a persona's voice."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from serving.personas.schema import Persona
    from serving.turn_context import TurnContext


@runtime_checkable
class StyleEngine(Protocol):
    """Engines: `identity` (copy), `rules` (Kiwi, the default), `kobart` (learned), `prompt` (LLM).

    `rewrite` takes the sentences of one reply and returns the same number of sentences,
    in order, in the persona's voice. It must never raise on odd text: an engine that
    cannot handle a sentence returns it unchanged (or falls back) and logs why.
    `context` (a `serving.turn_context.TurnContext`, optional) tells what kind of message is
    being answered and whether the conversation is in the care state.
    """

    name: str

    def rewrite(self, sentences: list[str], persona: "Persona", context: "TurnContext | None" = None) -> list[str]: ...


class IdentityEngine:
    """Copies its input: the floor every engine must beat in the style evaluation."""

    name = "identity"

    def rewrite(self, sentences: list[str], persona: "Persona", context: "TurnContext | None" = None) -> list[str]:
        return list(sentences)
