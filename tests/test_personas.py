"""Persona files: the schema, the registry's robustness and `maeum personas ...`."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
import yaml

from maeum.cli import main
from serving.personas import Persona, load_personas, validate_dir
from serving.personas.registry import DEFAULT_ID, PersonaRegistry, fallback_persona, read_persona_file
from serving.personas.schema import profanity_in
from serving.style.levels import SpeechLevel

REPO = Path(__file__).resolve().parent.parent
BUNDLED = REPO / "personas"
REQUIRED_IDS = {"counselor", "professional", "friend", "seonbi", "grandpa", "azae", "enfp", "sosim",
                "android", "naruto", "king", "emoticon"}


def _good(persona_id: str = "tester", **changes) -> dict:
    data = {
        "id": persona_id,
        "name": "시험용",
        "description": "테스트용 페르소나예요.",
        "avatar": "🧪",
        "greeting": "안녕하세요.",
        "style": {"speech_level": "해요체", "smilestyle": "formal"},
        "examples": [{"neutral": f"문장 {i}이에요.", "persona": f"문장 {i}이에요."} for i in range(5)],
        "tags": ["시험"],
    }
    data.update(changes)
    return data


def _write(folder: Path, name: str, data_or_text) -> Path:
    path = folder / name
    text = data_or_text if isinstance(data_or_text, str) else yaml.safe_dump(data_or_text, allow_unicode=True,
                                                                             sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


# --- the shipped personas ------------------------------------------------------------------
def test_shipped_personas_are_valid_and_complete():
    assert validate_dir(BUNDLED) == []
    registry = load_personas(BUNDLED)
    assert registry.problems == []
    assert REQUIRED_IDS <= set(registry.ids())
    assert registry.default.id == DEFAULT_ID == registry.all()[0].id
    assert registry.default.style.speech_level is SpeechLevel.HAEYO


def test_shipped_personas_are_distinct_and_fit_for_counselling():
    registry = load_personas(BUNDLED)
    seen_voices = set()
    for persona in registry.all():
        texts = [persona.name, persona.description, persona.greeting, *persona.style.substitutions.values(),
                 *persona.style.decorations.prefixes, *[e.persona for e in persona.examples]]
        assert all(profanity_in(t) is None for t in texts), persona.id
        assert len(persona.examples) >= 5
        style = persona.style
        voice = style.model_dump_json(exclude={"engine"})
        assert voice not in seen_voices, f"{persona.id} sounds exactly like another persona"
        seen_voices.add(voice)
    levels = {p.id: p.style.speech_level for p in registry.all()}
    assert levels["professional"] is SpeechLevel.HAPSYO and levels["android"] is SpeechLevel.EUM
    assert levels["friend"] is SpeechLevel.HAE and levels["king"] is SpeechLevel.HAGE
    assert levels["seonbi"] is SpeechLevel.HAO
    from serving.style.voice import voice_of

    assert "다니깐" in dict(voice_of(registry.get("naruto")).statement_tails)  # mined from SmileStyle
    assert "는가" in dict(voice_of(registry.get("grandpa")).question_tails)
    assert voice_of(registry.get("android")).clipped


def test_greetings_carry_no_playful_decoration():
    # the greeting is the first thing someone in crisis may read: no interjection prefixes
    for persona in load_personas(BUNDLED).all():
        prefixes = persona.style.decorations.prefixes
        assert not any(persona.greeting.startswith(p) for p in prefixes), persona.id


# --- schema --------------------------------------------------------------------------------
def test_schema_accepts_aliases_and_rejects_bad_values():
    assert Persona.model_validate(_good(style={"speech_level": "hao", "smilestyle": "king"})).style.speech_level \
        is SpeechLevel.HAO
    bad = [
        _good(style={"speech_level": "존댓말", "smilestyle": "formal"}),
        _good(style={"speech_level": "해요체", "smilestyle": "pirate"}),
        _good(style={"speech_level": "해요체", "smilestyle": "formal", "engine": "gpt"}),
        _good(examples=[{"neutral": "a", "persona": "b"}] * 4),
        _good(greeting="닥쳐, 씨발"),
        _good(id="Has Space"),
        _good(avatar="smile.png"),
        _good(style={"speech_level": "해요체", "smilestyle": "formal", "decorations": {"statement_tails": ["다니까"],
                                                                                     "tail_rate": 0.5}}),
        _good(style={"speech_level": "해체", "smilestyle": "enfp", "decorations": {"emoji_rate": 0.5}}),
        _good(greting="오타"),
    ]
    for data in bad:
        with pytest.raises(ValueError):
            Persona.model_validate(data)


# --- broken files --------------------------------------------------------------------------
@pytest.fixture
def folder(tmp_path) -> Path:
    _write(tmp_path, "counselor.yaml", _good(DEFAULT_ID))
    return tmp_path


def _only_problem(folder: Path, name: str):
    problems = [p for p in validate_dir(folder) if p.file.name == name]
    assert len(problems) >= 1, validate_dir(folder)
    return problems


def test_bad_yaml_names_file_and_line(folder):
    _write(folder, "broken.yaml", "id: broken\nname: [시험\ndescription: x\n")
    (problem,) = _only_problem(folder, "broken.yaml")
    assert problem.line in (2, 3, 4) and "invalid YAML" in problem.message
    assert str(problem).startswith(str(folder / "broken.yaml") + f":{problem.line}:")


def test_missing_field_is_named(folder):
    data = _good("nogreeting")
    del data["greeting"]
    _write(folder, "nogreeting.yaml", data)
    (problem,) = _only_problem(folder, "nogreeting.yaml")
    assert problem.field == "greeting" and "missing" in problem.message


def test_wrong_type_names_field_and_line(folder):
    text = yaml.safe_dump(_good("wrongtype"), allow_unicode=True, sort_keys=False)
    text = text.replace("tags:\n- 시험\n", "tags: 5\n")
    path = _write(folder, "wrongtype.yaml", text)
    (problem,) = _only_problem(folder, "wrongtype.yaml")
    assert problem.field == "tags"
    assert problem.line == path.read_text(encoding="utf-8").splitlines().index("tags: 5") + 1


def test_unknown_speech_level_names_field_and_line(folder):
    text = yaml.safe_dump(_good("badlevel"), allow_unicode=True, sort_keys=False).replace("해요체", "궁중체")
    path = _write(folder, "badlevel.yaml", text)
    (problem,) = _only_problem(folder, "badlevel.yaml")
    assert problem.field == "style.speech_level" and "궁중체" in problem.message and "해요체" in problem.message
    lines = path.read_text(encoding="utf-8").splitlines()
    assert "speech_level" in lines[problem.line - 1]


def test_duplicate_id_is_skipped_with_reason(folder, caplog):
    _write(folder, "zz_copy.yaml", _good(DEFAULT_ID, name="복제"))
    (problem,) = _only_problem(folder, "zz_copy.yaml")
    assert problem.field == "id" and "counselor.yaml" in problem.message and problem.line == 1
    with caplog.at_level(logging.WARNING):
        registry = load_personas(folder)
    assert registry.ids() == [DEFAULT_ID] and registry.default.name == "시험용"
    assert "zz_copy.yaml" in caplog.text


def test_duplicate_key_in_one_file(folder):
    _write(folder, "twice.yaml", "id: twice\nid: again\n")
    (problem,) = _only_problem(folder, "twice.yaml")
    assert problem.field == "id" and problem.line == 2 and "twice" in problem.message


def test_non_mapping_and_empty_files(folder):
    _write(folder, "list.yaml", "- 1\n- 2\n")
    _write(folder, "empty.yaml", "")
    assert "mapping" in _only_problem(folder, "list.yaml")[0].message
    assert "empty" in _only_problem(folder, "empty.yaml")[0].message


def test_broken_files_never_take_the_registry_down(folder, caplog):
    _write(folder, "broken.yaml", "id: [\n")
    _write(folder, "other.yaml", _good("other"))
    _write(folder, "_template.yaml", "not: [valid")  # templates are ignored
    with caplog.at_level(logging.WARNING):
        registry = load_personas(folder)
    assert registry.ids() == [DEFAULT_ID, "other"]
    assert len(registry.problems) == 1 and registry.problems[0].file.name == "broken.yaml"


def test_unknown_id_falls_back_to_default_with_warning(caplog):
    registry = load_personas(BUNDLED)
    with caplog.at_level(logging.WARNING):
        persona = registry.get("no-such-persona")
    assert persona is registry.default
    assert "no-such-persona" in caplog.text


def test_missing_folder_and_missing_default_still_work(tmp_path):
    registry = load_personas(tmp_path / "nowhere")
    assert registry.default == fallback_persona() and registry.problems
    _write(tmp_path, "solo.yaml", _good("solo"))
    registry = load_personas(tmp_path)
    assert registry.default.id == "solo"
    assert any("counselor" in p.message for p in registry.problems)
    assert PersonaRegistry([]).default.id == DEFAULT_ID


def test_env_var_chooses_the_folder(tmp_path, monkeypatch):
    shutil.copy(BUNDLED / "friend.yaml", tmp_path / "friend.yaml")
    monkeypatch.setenv("MAEUM_PERSONAS_DIR", str(tmp_path))
    registry = load_personas()
    assert registry.ids() == ["friend"]


def test_read_persona_file_reports_every_error(tmp_path):
    path = _write(tmp_path, "many.yaml", _good("many", avatar="abc", examples=[]))
    persona, problems = read_persona_file(path)
    assert persona is None
    assert {p.field for p in problems} == {"avatar", "examples"}


# --- CLI -----------------------------------------------------------------------------------
def test_cli_validate_passes_on_shipped_personas(capsys):
    assert main(["personas", "validate", str(BUNDLED)]) == 0
    assert "valid" in capsys.readouterr().out


def test_cli_validate_fails_naming_file_field_and_line(folder, capsys):
    text = yaml.safe_dump(_good("badlevel"), allow_unicode=True, sort_keys=False).replace("해요체", "궁중체")
    _write(folder, "badlevel.yaml", text)
    assert main(["personas", "validate", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "badlevel.yaml:" in err and "style.speech_level" in err and "궁중체" in err


def test_cli_list_and_preview(capsys):
    assert main(["personas", "list", "--personas-dir", str(BUNDLED)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[1] == DEFAULT_ID and "seonbi" in out
    assert main(["personas", "preview", "king", "많이 힘드셨겠어요.", "--personas-dir", str(BUNDLED)]) == 0
    assert capsys.readouterr().out.strip() == "많이 힘들었겠네."


def test_cli_preview_unknown_id_uses_default(capsys):
    assert main(["personas", "preview", "nobody", "잘 지냈어요?", "--personas-dir", str(BUNDLED)]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == "잘 지냈어요?" and "nobody" in captured.err
