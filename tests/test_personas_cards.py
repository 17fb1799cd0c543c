"""SillyTavern Character Card V2 import and export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from maeum.cli import main
from serving.personas import load_personas
from serving.personas.cards import CardError, export_card, import_card, slug

BUNDLED = Path(__file__).resolve().parent.parent / "personas"


@pytest.fixture(scope="module")
def registry():
    return load_personas(BUNDLED)


def test_export_is_a_v2_card(registry):
    card = export_card(registry.get("seonbi"))
    assert card["spec"] == "chara_card_v2" and card["spec_version"] == "2.0"
    data = card["data"]
    persona = registry.get("seonbi")
    assert data["name"] == persona.name and data["first_mes"] == persona.greeting
    assert data["description"] == persona.description and data["tags"] == persona.tags
    assert data["mes_example"].count("<START>") == len(persona.examples)
    assert "{{char}}: " + persona.examples[0].persona in data["mes_example"]
    assert data["extensions"]["maeum"]["style"]["speech_level"] == "하오체"
    json.dumps(card, ensure_ascii=False)  # plain JSON


def test_round_trip_preserves_every_field(registry):
    for persona in registry.all():
        card = json.loads(json.dumps(export_card(persona), ensure_ascii=False))
        assert import_card(card) == persona, persona.id


def test_card_fields_edited_in_sillytavern_win(registry):
    card = export_card(registry.get("friend"))
    card["data"]["name"] = "새 이름"
    card["data"]["first_mes"] = "반가워!"
    card["data"]["tags"] = ["새 태그"]
    persona = import_card(card)
    assert (persona.name, persona.greeting, persona.tags) == ("새 이름", "반가워!", ["새 태그"])
    assert persona.style == registry.get("friend").style


def test_foreign_card_without_our_extension_needs_neutral_sentences():
    card = {"spec": "chara_card_v2", "spec_version": "2.0",
            "data": {"name": "Luna Bot", "description": "달을 좋아하는 친구", "first_mes": "안녕!",
                     "mes_example": "<START>\n{{user}}: 안녕\n{{char}}: 반가워!\n<START>\n{{char}}: 오늘 어땠어?",
                     "tags": ["달"], "extensions": {}}}
    with pytest.raises(CardError) as info:
        import_card(card)
    fields = {p.field for p in info.value.problems}
    assert any(f and f.startswith("examples") for f in fields)
    draft = info.value.draft
    assert draft["id"] == "luna-bot" and draft["examples"][0] == {"neutral": "", "persona": "반가워!"}


def test_slug():
    assert slug("Luna Bot!") == "luna-bot"
    assert slug("선비") == "persona"
    assert slug("123 go") == "persona-123-go"


def test_cli_export_then_import(tmp_path, capsys, registry):
    card_path = tmp_path / "king.json"
    assert main(["personas", "export", "king", "--personas-dir", str(BUNDLED), "-o", str(card_path)]) == 0
    out_dir = tmp_path / "imported"
    assert main(["personas", "import", str(card_path), "--out", str(out_dir)]) == 0
    assert load_personas(out_dir).get("king") == registry.get("king")
    # a second import does not overwrite without --force
    assert main(["personas", "import", str(card_path), "--out", str(out_dir)]) == 1
    assert "exists" in capsys.readouterr().err
    assert main(["personas", "import", str(card_path), "--out", str(out_dir), "--id", "king2"]) == 0
    assert load_personas(out_dir).get("king2").name == registry.get("king").name


def test_cli_import_of_bad_json(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["personas", "import", str(bad), "--out", str(tmp_path)]) == 1
    assert "invalid JSON" in capsys.readouterr().err
