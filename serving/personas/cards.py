"""SillyTavern Character Card V2 (JSON) import and export.

Card fields carry what SillyTavern shows: name, description, first_mes (our greeting),
mes_example (our persona sentences as `{{char}}:` lines) and tags. Everything else we
own — id, avatar, the style block and the neutral → persona example pairs — travels
in `data.extensions.maeum`, which SillyTavern keeps untouched. On import the card's own
name/description/first_mes/tags win (a designer may have edited them in SillyTavern),
the rest comes from the extension. Spec: github.com/malfoyslastname/character-card-spec-v2
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from serving.personas.registry import Problem
from serving.personas.schema import Persona

SPEC = "chara_card_v2"
SPEC_VERSION = "2.0"
EXTENSION = "maeum"
EXTENSION_VERSION = 1
DEFAULT_STYLE = {"speech_level": "해요체", "smilestyle": "formal"}


class CardError(ValueError):
    """A card that cannot become a persona; `problems` say which fields and why."""

    def __init__(self, problems: list[Problem], draft: dict[str, Any] | None = None):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems
        self.draft = draft


def export_card(persona: Persona) -> dict[str, Any]:
    """The persona as a Character Card V2 object (json.dump it with ensure_ascii=False)."""
    style = persona.style
    return {
        "spec": SPEC,
        "spec_version": SPEC_VERSION,
        "data": {
            "name": persona.name,
            "description": persona.description,
            "personality": f"말투: {style.speech_level.value}. " + ", ".join(persona.tags),
            "scenario": "마음(maeum) 상담 챗봇에서 사용자의 고민을 들어 주는 대화 상대.",
            "first_mes": persona.greeting,
            "mes_example": "\n".join(f"<START>\n{{{{char}}}}: {ex.persona}" for ex in persona.examples),
            "creator_notes": "maeum 페르소나 파일에서 내보낸 카드입니다. extensions.maeum 블록은 지우지 마세요.",
            "system_prompt": "",
            "post_history_instructions": "",
            "alternate_greetings": [],
            "tags": list(persona.tags),
            "creator": "maeum",
            "character_version": "1",
            "extensions": {
                EXTENSION: {
                    "version": EXTENSION_VERSION,
                    "id": persona.id,
                    "avatar": persona.avatar,
                    "style": style.model_dump(mode="json"),
                    "examples": [ex.model_dump(mode="json") for ex in persona.examples],
                }
            },
        },
    }


def card_to_data(card: dict[str, Any], persona_id: str | None = None) -> dict[str, Any]:
    """Persona fields from a V2 card (or a V1 card, whose fields sit at the top level)."""
    if not isinstance(card, dict):
        raise CardError([Problem(Path("<card>"), None, "a card is a JSON object")])
    data = card.get("data") if card.get("spec") == SPEC else card
    if not isinstance(data, dict):
        raise CardError([Problem(Path("<card>"), "data", "missing the card's data object")])
    extensions = data.get("extensions") if isinstance(data.get("extensions"), dict) else {}
    ours = extensions.get(EXTENSION) if isinstance(extensions.get(EXTENSION), dict) else {}
    name = str(data.get("name") or "").strip()
    examples = ours.get("examples")
    if examples is None:
        # A card made elsewhere: its example lines become drafts whose neutral side the
        # designer still has to write.
        examples = [{"neutral": "", "persona": line} for line in _char_lines(data.get("mes_example") or "")]
    return {
        "id": persona_id or ours.get("id") or slug(name),
        "name": name,
        "description": data.get("description") or "",
        "avatar": ours.get("avatar") or "🙂",
        "greeting": data.get("first_mes") or "",
        "style": ours.get("style") or dict(DEFAULT_STYLE),
        "examples": examples,
        "tags": [str(t) for t in data.get("tags") or []],
    }


def import_card(card: dict[str, Any], persona_id: str | None = None, source: Path | None = None) -> Persona:
    """A validated persona from a card; CardError lists every problem otherwise."""
    data = card_to_data(card, persona_id)
    try:
        return Persona.model_validate(data)
    except ValidationError as exc:
        where = source or Path("<card>")
        problems = []
        for error in exc.errors():
            field = ".".join(str(x) for x in error.get("loc", ())) or None
            message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
            if error.get("type") == "missing":
                message = "required field is missing"
            problems.append(Problem(where, field, message))
        raise CardError(problems, draft=data) from None


def read_card(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CardError([Problem(path, None, f"cannot read the card: {exc}")]) from None
    except json.JSONDecodeError as exc:
        raise CardError([Problem(path, None, f"invalid JSON: {exc.msg}", exc.lineno)]) from None


def persona_yaml(data: dict[str, Any] | Persona) -> str:
    """A persona file's text, fields in the order designers read them."""
    if isinstance(data, Persona):
        data = data.model_dump(mode="json")
    order = ["id", "name", "description", "avatar", "greeting", "style", "examples", "tags"]
    ordered = {key: data[key] for key in order if key in data}
    return yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, width=100)


def slug(name: str) -> str:
    """An id from a display name: ASCII letters and digits only ('Luna Bot' → 'luna-bot')."""
    text = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    if not text or not text[0].isalpha():
        text = "persona-" + text if text else "persona"
    return text[:40].rstrip("-")


def _char_lines(mes_example: str) -> list[str]:
    lines = []
    for line in mes_example.splitlines():
        match = re.match(r"\s*\{\{char\}\}\s*:\s*(.+)", line)
        if match:
            lines.append(match.group(1).strip())
    return lines
