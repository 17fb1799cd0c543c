"""The rule-based style engine: speech levels by Kiwi, sentences, decorations."""

from __future__ import annotations

from pathlib import Path

import pytest

from maeum.cli import main
from serving.personas import load_personas
from serving.style import ENGINES, get_engine
from serving.style.base import StyleEngine
from serving.style.hangul import attach_formal, attach_hao, ends_with_vowel_sound
from serving.style.level_eval import TARGETS, read_cases, score
from serving.style.levels import SpeechLevel
from serving.style.rules import RulesEngine
from serving.style.sentences import split_sentences
from serving.style.speech_levels import convert_speech_level

REPO = Path(__file__).resolve().parent.parent
TEST_SET = REPO / "data" / "style_levels.tsv"
HAE, HAPSYO, HAO, HAEYO = SpeechLevel.HAE, SpeechLevel.HAPSYO, SpeechLevel.HAO, SpeechLevel.HAEYO


@pytest.fixture(scope="module")
def personas():
    return load_personas(REPO / "personas")


def levels(sentence: str) -> tuple[str, str, str]:
    return tuple(convert_speech_level(sentence, level) for level in (HAE, HAPSYO, HAO))


# --- the hard cases, one by one ------------------------------------------------------------
@pytest.mark.parametrize("source, expected", [
    # 이다 / 아니다, with vowel- and consonant-final nouns
    ("당신은 소중한 사람이에요.", ("너는 소중한 사람이야.", "당신은 소중한 사람입니다.", "그대는 소중한 사람이오.")),
    ("그게 바로 용기예요.", ("그게 바로 용기야.", "그게 바로 용기입니다.", "그게 바로 용기이오.")),
    ("곧 괜찮아질 거예요.", ("곧 괜찮아질 거야.", "곧 괜찮아질 겁니다.", "곧 괜찮아질 것이오.")),
    ("그건 당신 잘못이 아니에요.", ("그건 네 잘못이 아니야.", "그건 당신 잘못이 아닙니다.", "그건 그대 잘못이 아니오.")),
    # irregular stems: ㅂ ㄷ ㅅ 르 ㅎ and ㄹ-dropping
    ("밖이 많이 추워요.", ("밖이 많이 추워.", "밖이 많이 춥습니다.", "밖이 많이 춥소.")),
    ("천천히 걸으세요.", ("천천히 걸어.", "천천히 걸으십시오.", "천천히 걸으시오.")),
    ("아이 이름을 함께 지었어요.", ("아이 이름을 함께 지었어.", "아이 이름을 함께 지었습니다.", "아이 이름을 함께 지었소.")),
    ("시간이 참 빨라요.", ("시간이 참 빨라.", "시간이 참 빠릅니다.", "시간이 참 빠르오.")),
    ("기분이 어때요?", ("기분이 어때?", "기분이 어떻습니까?", "기분이 어떻소?")),
    ("요즘 많이 힘들어요.", ("요즘 많이 힘들어.", "요즘 많이 힘듭니다.", "요즘 많이 힘드오.")),
    # statement / question / imperative / suggestion
    ("잠시 쉬세요.", ("잠시 쉬어.", "잠시 쉬십시오.", "잠시 쉬시오.")),
    ("걱정하지 마세요.", ("걱정하지 마.", "걱정하지 마십시오.", "걱정하지 마시오.")),
    ("우리 같이 산책해요.", ("우리 같이 산책하자.", "우리 같이 산책하시지요.", "우리 같이 산책합시다.")),
    ("우리는 같은 동네에 살아요.", ("우리는 같은 동네에 살아.", "우리는 같은 동네에 삽니다.", "우리는 같은 동네에 사오.")),
    ("같이 방법을 찾아볼까요?", ("같이 방법을 찾아볼까?", "같이 방법을 찾아볼까요?", "같이 방법을 찾아보겠소?")),
    # honorific 시, for the listener and for someone else
    ("많이 힘드셨겠어요.", ("많이 힘들었겠어.", "많이 힘드셨겠습니다.", "많이 힘들었겠소.")),
    ("밥은 드셨어요?", ("밥은 먹었어?", "밥은 드셨습니까?", "밥은 먹었소?")),
    ("어머니께서 많이 걱정하셨어요.",
     ("어머니께서 많이 걱정하셨어.", "어머니께서 많이 걱정하셨습니다.", "어머니께서 많이 걱정하셨소.")),
    # numbers, English, emoji
    ("자살예방 상담전화는 109예요.", ("자살예방 상담전화는 109야.", "자살예방 상담전화는 109입니다.", "자살예방 상담전화는 109이오.")),
    ("그건 일종의 burnout이에요.", ("그건 일종의 burnout이야.", "그건 일종의 burnout입니다.", "그건 일종의 burnout이오.")),
    ("푹 쉬세요 🌙", ("푹 쉬어 🌙", "푹 쉬십시오 🌙", "푹 쉬시오 🌙")),
    # quoted speech stays as it is
    ("친구가 \"힘내요.\"라고 말했어요.",
     ("친구가 \"힘내요.\"라고 말했어.", "친구가 \"힘내요.\"라고 말했습니다.", "친구가 \"힘내요.\"라고 말했소.")),
])
def test_hard_cases(source, expected):
    assert levels(source) == expected


def test_target_haeyo_leaves_haeyo_alone_and_lifts_other_levels():
    assert convert_speech_level("많이 힘드셨겠어요.", HAEYO) == "많이 힘드셨겠어요."
    assert convert_speech_level("나도 그렇게 생각해.", HAEYO) == "저도 그렇게 생각해요."
    assert convert_speech_level("잠시 쉬십시오.", HAEYO) == "잠시 쉬세요."
    assert convert_speech_level("같이 갑시다.", "해요체") == "같이 가요."


def test_content_words_never_change():
    """Only endings and the listed function words move: every noun, number, Latin word and
    emoji of the input is still there in every level."""
    from serving.style.analysis import analyse

    for case in read_cases(TEST_SET):
        keep = [t.form for t in analyse(case.source)
                if t.tag in {"NNG", "NNP", "SN", "SL", "W_EMOJI"} and not t.quoted]
        for level in TARGETS:
            out = convert_speech_level(case.source, level)
            for word in keep:
                if word in {"거"}:
                    continue  # 거예요 → 것이오 (하오체) is the one written change
                assert word in out, (case.id, level, word, out)


def test_unhandled_text_comes_back_unchanged():
    for text in ["", "   ", "ㅋㅋㅋ", "OK", "😊😊", "1577-0199", "새장이 그리울 때도 있는걸요"]:
        out = convert_speech_level(text, HAE)
        assert isinstance(out, str)
    assert convert_speech_level("ㅋㅋㅋ", HAPSYO) == "ㅋㅋㅋ"
    with pytest.raises(ValueError):
        convert_speech_level("좋아요.", "궁중체")


# --- the test set --------------------------------------------------------------------------
def test_speech_level_test_set_scores_at_least_95_percent():
    cases = read_cases(TEST_SET)
    assert len(cases) >= 150
    kinds = {c.kind for c in cases}
    assert {"copula", "negative-copula", "irregular-ㅂ", "irregular-ㄷ", "irregular-ㅅ", "irregular-르",
            "irregular-ㅎ", "question", "imperative", "suggestion", "honorific-question", "number",
            "english", "emoji", "quote"} <= kinds
    result = score(cases)
    for level in TARGETS:
        assert result.accuracy(level) >= 0.95, (level, [(m.case.id, m.got) for m in result.misses])


def test_scoring_counts_misses():
    cases = read_cases(TEST_SET)[:4]
    result = score(cases, convert=lambda sentence, level: sentence)  # the identity engine
    assert result.accuracy() == 0.0 and len(result.misses) == 12


def test_eval_command_prints_scores(capsys):
    assert main(["eval", "speech-levels", "--data", str(TEST_SET)]) == 0
    out = capsys.readouterr().out
    assert "해체" in out and "합쇼체" in out and "하오체" in out and "overall" in out


# --- sentences ----------------------------------------------------------------------------
def test_split_sentences_keeps_everything():
    text = "안녕하세요! 오늘 기분은 어때요? 저는 좋아요 😊 친구가 \"괜찮아. 다 잘될 거야.\"라고 했어요.\n내일 봐요 ㅎㅎ"
    parts = split_sentences(text)
    assert parts == ["안녕하세요!", "오늘 기분은 어때요?", "저는 좋아요 😊",
                     "친구가 \"괜찮아. 다 잘될 거야.\"라고 했어요.", "내일 봐요 ㅎㅎ"]
    assert "".join(" ".join(parts).split()) == "".join(text.split())
    assert split_sentences("") == [] and split_sentences("  \n") == []


# --- the engine ----------------------------------------------------------------------------
def test_engine_registry():
    assert {"identity", "rules"} <= set(ENGINES)
    rules = get_engine("rules", seed=3)
    assert isinstance(rules, RulesEngine) and isinstance(rules, StyleEngine) and rules.seed == 3
    assert get_engine("identity").rewrite(["a"], None) == ["a"]
    with pytest.raises(ValueError):
        get_engine("nope")


def test_engine_is_deterministic_and_keeps_sentence_count(personas):
    sentences = split_sentences("정말 잘하고 있어요. 오늘은 일찍 쉬세요. 내일은 더 좋을 거예요. 같이 방법을 찾아봐요.")
    for persona in personas.all():
        first = RulesEngine(seed=1).rewrite(sentences, persona)
        assert first == RulesEngine(seed=1).rewrite(sentences, persona)
        assert len(first) == len(sentences)
    outputs = {tuple(RulesEngine(seed=s).rewrite(sentences, personas.get("emoticon"))) for s in range(8)}
    assert len(outputs) > 1, "the seed should change the chance-based decorations"


def test_persona_voices(personas):
    engine = RulesEngine(seed=0)
    say = lambda pid, text: engine.rewrite_one(text, personas.get(pid))  # noqa: E731
    assert say("counselor", "많이 힘드셨겠어요.") == "많이 힘드셨겠어요."
    assert say("professional", "천천히 숨을 쉬어 보세요.") == "천천히 숨을 쉬어 보십시오."
    assert say("king", "제가 끝까지 들을게요.") == "짐이 끝까지 듣겠네."
    assert say("seonbi", "저는 정말 기뻐요.").startswith(("소생은 참으로 기쁘오.", "허허, 소생은", "음, 소생은"))
    assert say("sosim", "요즘 많이 힘들어요.") == "요즘 많이 힘들어.."
    assert "본 기체" in say("android", "저는 당신을 응원해요.")
    naruto = [engine.rewrite_one("당신은 할 수 있어요.", personas.get("naruto"), i) for i in range(10)]
    assert "너는 할 수 있다니깐!" in naruto and all(n.endswith("!") for n in naruto)
    grandpa = [engine.rewrite_one("정말 잘하고 있어요.", personas.get("grandpa"), i) for i in range(10)]
    assert any(g.endswith("잘하고 있는구먼…") for g in grandpa)


def test_distress_sentences_get_no_playful_decoration(personas):
    engine = RulesEngine(seed=0)
    for pid in ("emoticon", "enfp", "azae", "naruto", "grandpa"):
        persona = personas.get(pid)
        deco = persona.style.decorations
        for i in range(12):
            out = engine.rewrite_one("요즘 너무 외롭고 죽고 싶다는 생각이 들어요.", persona, i)
            assert not any(e in out for e in deco.emoji), (pid, out)
            assert not any(out.startswith(p) for p in deco.prefixes), (pid, out)
            assert "다니까" not in out and "구먼" not in out


def test_engine_never_raises(personas, monkeypatch):
    import serving.style.rules as rules

    def boom(*args, **kwargs):
        raise RuntimeError("kiwi fell over")

    monkeypatch.setattr(rules, "convert_speech_level", boom)
    assert RulesEngine().rewrite(["안녕하세요."], personas.get("friend")) == ["안녕하세요."]


def test_hangul_helpers():
    assert attach_formal("가", "니다") == "갑니다" and attach_formal("먹", "니다") == "먹습니다"
    assert attach_formal("살", "니다") == "삽니다" and attach_formal("쉬시", "시오") == "쉬십시오"
    assert attach_hao("가") == "가오" and attach_hao("먹") == "먹소" and attach_hao("힘들") == "힘드오"
    assert ends_with_vowel_sound("의사") and not ends_with_vowel_sound("학생")
    assert ends_with_vowel_sound("109") and not ends_with_vowel_sound("10")
    assert ends_with_vowel_sound("AI") and not ends_with_vowel_sound("HTML")
    assert not ends_with_vowel_sound("burnout") and ends_with_vowel_sound("coffee")
