"""Offline replies, no language model: composed from the user's own words, never a whole
retrieved reply (those carried other people's details: see `offline_compose`).

A reply is: a reflection of the user's last statement (Kiwi) + an emotion-aware feeling line,
at most one *generic* sentence retrieved from a similar message's reply, and one open question.
Retrieval is query-to-query BM25 (`bm25s`) over Kiwi content morphemes ("힘들/VA", "팀장/NN") of
the user side of (user message → counsellor reply) pairs from our seed conversations
(`data/seed_conversations.jsonl`) plus, when a path is given, ChatbotData (Q, A, label; ~11.8k
pairs), re-ranked by emotion (a cheerful reply is pushed down when the user is hurting) and
source (seed replies slightly first). A reply this conversation already got (`request.avoid`)
is never given again, and questions already asked are asked last.

Tokenising ChatbotData with Kiwi takes ~10 s on a small CPU, so the analysed corpus is cached
on disk (`$MAEUM_CACHE_DIR`, default ~/.cache/maeum) keyed by its content: later starts load it in
well under a second.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from maeum import paths
from maeum.errors import ConfigError
from serving.acts.news import bad_news, distress_words
from serving.acts.rules import compact, rule_act
from serving.safety.output_check import find_problems

from .base import BaseGenerator, GenerationRequest
from .offline_acts import THANKS, act_kind, act_reply, news_noun, privacy_kind
from .offline_backref import back_opener, back_reference
from .offline_cache import cached_analysis, source_of
from .offline_compose import (EMPATHY, all_questions, content_words, emotion_key, feeling_candidates,
                              feeling_reflection, generic_sentence, is_question, question_candidates, sentence_parts,
                              topic_of)
from .offline_openers import (FOLLOW_UPS, INFO, INFO_QUESTIONS, REFERRAL, advice_lines, asks_advice,
                              asks_where_to_get_help, follow_ups, info_answer, key_phrase, noun_opener, opening_order)

logger = logging.getLogger(__name__)

CHATBOTDATA_FILE = "ChatbotData.csv"
INDEX_VERSION = 2  # bump when the morpheme selection changes

# Kiwi tags kept as search terms: nouns, predicates' stems, adverbs, roots, foreign words, numbers.
_KEEP_PREFIXES = ("NN", "NP", "NR", "VV", "VA", "MAG", "XR", "SL", "SH", "SN", "IC")
# Very common words that match everything in short chat messages ("너무 힘들어").
_STOPWORDS = {"너무/MA", "정말/MA", "진짜/MA", "좀/MA", "그냥/MA", "많이/MA", "요즘/NN", "오늘/NN", "완전/NN", "것/NN",
              "수/NN", "거/NN", "때문/NN", "나/NP", "저/NP", "너/NP", "이/NP", "하/VV", "있/VA", "있/VV", "없/VA",
              "되/VV", "같/VA"}
# support sentences: the best match's BM25 score must reach this, and a candidate this share of it
MIN_SUPPORT_SCORE = 0.0  # strictly above; BM25 scale depends on the corpus size, so the cover test decides
MIN_SUPPORT_RELATIVE = 0.6
MIN_SUPPORT_COVER = 0.5  # share of the user's search terms the matched message must contain
_NEGATIVE = {"슬픔", "분노", "불안", "상처", "당황"}
_POSITIVE = {"기쁨"}
# ChatbotData labels: 0 everyday, 1 breakup (negative), 2 love (positive)
_CHATBOTDATA_VALENCE = {"0": None, "1": "negative", "2": "positive"}

@dataclass(frozen=True)
class Pair:
    question: str
    answer: str
    source: str  # "seed" | "chatbotdata"
    valence: str | None = None  # "negative" | "positive" | None (unknown)


def _valence(label: str | None) -> str | None:
    if label in _NEGATIVE:
        return "negative"
    if label in _POSITIVE:
        return "positive"
    return None


def morphemes(text: str) -> list[str]:
    """Content morphemes of `text` as BM25 terms ("힘들/VA")."""
    from serving.kiwi import get_kiwi

    terms = (f"{t.form}/{t.tag[:2]}" for t in get_kiwi().tokenize(text) if t.tag.startswith(_KEEP_PREFIXES))
    return [t for t in terms if t not in _STOPWORDS]


def seed_pairs(path: str | os.PathLike | None = None) -> list[Pair]:
    """(user message, following counsellor reply) pairs from seed conversations."""
    if path is None:
        try:
            path = paths.data_file("seed_conversations.jsonl")
        except FileNotFoundError:
            logger.warning("no bundled seed conversations found; offline replies use ChatbotData only")
            return []
    pairs = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            messages = json.loads(line).get("messages", [])
            for prev, nxt in zip(messages, messages[1:]):
                if prev.get("role") == "user" and nxt.get("role") == "assistant":
                    pairs.append(Pair(prev["content"].strip(), nxt["content"].strip(), "seed"))
    return pairs


def resolve_chatbotdata(path: str | os.PathLike | None) -> Path | None:
    """The ChatbotData.csv a path means (a file, or a folder holding it); None: not configured."""
    if not path:
        return None
    p = Path(path).expanduser()
    if p.is_dir():
        p = p / CHATBOTDATA_FILE
    if not p.is_file():
        raise ConfigError(f"ChatbotData not found at {path} (expected {CHATBOTDATA_FILE} or a folder holding it); "
                          f"download it with `maeum data fetch chatbotdata` or give the right path "
                          f"(--chatbotdata / MAEUM_CHATBOTDATA_PATH)")
    return p


def chatbotdata_pairs(path: str | os.PathLike, max_rows: int | None = None) -> list[Pair]:
    pairs = []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or not {"Q", "A"} <= set(reader.fieldnames):
            raise ConfigError(f"{path}: expected ChatbotData columns Q, A, label; found {reader.fieldnames}")
        for row in reader:
            q, a = (row.get("Q") or "").strip(), (row.get("A") or "").strip()
            if q and a:
                pairs.append(Pair(q, a, "chatbotdata", _CHATBOTDATA_VALENCE.get(str(row.get("label", "")).strip())))
            if max_rows is not None and len(pairs) >= max_rows:
                break
    return pairs


def fetched_chatbotdata_dir() -> Path:
    """Where `maeum data fetch chatbotdata` puts the file ($XDG_DATA_HOME/maeum/chatbot_data)."""
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "maeum" / "chatbot_data"


def default_chatbotdata_path() -> Path | None:
    """The fetched ChatbotData when it is there (used when no path is configured)."""
    file = fetched_chatbotdata_dir() / CHATBOTDATA_FILE
    return file if file.is_file() else None


def analysed_corpus(questions: list[str], *, use_cache: bool = True) -> list[list[str]]:
    """Morphemes of every question, from the disk cache when the same corpus was seen before."""
    return cached_analysis(f"morphemes-v{INDEX_VERSION}", questions, morphemes, use_cache=use_cache,
                           valid=lambda row: isinstance(row, list) and all(isinstance(t, str) for t in row))


def analysed_replies(answers: list[str], *, use_cache: bool = True) -> list[list[tuple[str, frozenset[str], bool]]]:
    """`sentence_parts` of every reply, from the disk cache (keyed by the composer's source too)."""
    from serving.kiwi import get_kiwi

    from . import offline_compose

    kiwi = get_kiwi()
    rows = cached_analysis("reply-parts", answers,
                           lambda a: [[s, sorted(nouns), ok] for s, nouns, ok in sentence_parts(kiwi, a)],
                           depends_on=[source_of(offline_compose)], valid=_valid_parts, use_cache=use_cache)
    return [[(s, frozenset(nouns), ok) for s, nouns, ok in row] for row in rows]


def _valid_parts(row) -> bool:
    return isinstance(row, list) and all(
        isinstance(p, list) and len(p) == 3 and isinstance(p[0], str) and isinstance(p[1], list)
        and all(isinstance(n, str) for n in p[1]) and isinstance(p[2], bool) for p in row)


def _normalise(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


class OfflineGenerator(BaseGenerator):
    """Retrieval replies (see the module docstring). Thread-safe; keeps no conversation state."""

    name = "offline"
    context_window = None

    def __init__(self, chatbotdata_path: str | os.PathLike | None = None, *,
                 seed_path: str | os.PathLike | None = None, max_chatbotdata_rows: int | None = None,
                 use_cache: bool = True, candidates: int = 30):
        import bm25s

        # bm25s sets its own logger to DEBUG on import; follow the application's level instead
        logging.getLogger("bm25s").setLevel(logging.NOTSET)
        pairs = seed_pairs(seed_path)
        csv_path = resolve_chatbotdata(chatbotdata_path)
        if csv_path is not None:
            pairs += chatbotdata_pairs(csv_path, max_chatbotdata_rows)
        if not pairs:
            raise ConfigError("the offline generator has nothing to retrieve from: no seed conversations "
                              "(set MAEUM_DATA_DIR) and no ChatbotData (--chatbotdata PATH)")
        self.pairs = pairs
        self.sources = {"seed": sum(p.source == "seed" for p in pairs),
                        "chatbotdata": sum(p.source == "chatbotdata" for p in pairs)}
        tokens = analysed_corpus([p.question for p in pairs], use_cache=use_cache)
        self._terms = [frozenset(t) for t in tokens]
        self._retriever = bm25s.BM25(b=0.5)  # milder length penalty: seed questions are long
        self._retriever.index(tokens, show_progress=False)
        self._candidates = min(candidates, len(pairs))
        self._seed_mask = np.array([p.source == "seed" for p in pairs])
        self._valence = [p.valence for p in pairs]
        self._emotion_cache: dict[int, str | None] = {}  # corpus index -> emotion of its question
        self._parts_cache: dict[int, list[tuple[str, frozenset[str], bool]]] = {}  # index -> reply sentences
        self._lock = threading.Lock()
        seeds = [int(i) for i in np.flatnonzero(self._seed_mask)]  # a few hundred: first replies stay fast
        self._parts_cache.update(zip(seeds, analysed_replies([pairs[i].answer for i in seeds], use_cache=use_cache)))
        logger.info("offline generator: %d pairs (%d seed, %d ChatbotData)", len(pairs), self.sources["seed"],
                    self.sources["chatbotdata"])

    def __len__(self) -> int:
        return len(self.pairs)

    def _scores(self, text: str) -> np.ndarray:
        terms = [t for t in morphemes(text) if t in self._retriever.vocab_dict]
        if not terms:
            return np.zeros(len(self.pairs), dtype=np.float32)
        return np.asarray(self._retriever.get_scores(terms), dtype=np.float32)

    def _question_valence(self, i: int) -> str | None:
        if self._valence[i] is not None:
            return self._valence[i]
        with self._lock:
            if i in self._emotion_cache:
                return _valence(self._emotion_cache[i])
        label = _classify(self.pairs[i].question)
        with self._lock:
            self._emotion_cache[i] = label
        return _valence(label)

    def _parts(self, i: int) -> list[tuple[str, frozenset[str], bool]]:
        with self._lock:
            parts = self._parts_cache.get(i)
        if parts is None:
            from serving.kiwi import get_kiwi

            parts = sentence_parts(get_kiwi(), self.pairs[i].answer)
            with self._lock:
                self._parts_cache[i] = parts
        return parts

    def support(self, request: GenerationRequest, avoid: list[str] | None = None) -> str | None:
        """One generic sentence from the best matching reply, or None when nothing fits well enough."""
        text = request.user_text
        avoid = avoid if avoid is not None else [_normalise(a) for a in request.avoid]
        scores = self._scores(text)
        earlier_users = [m["content"] for m in request.messages[:-1] if m["role"] == "user"]
        if earlier_users:  # a little of the previous message, for follow-ups like "그래서 더 힘들어"
            scores = scores + 0.3 * self._scores(earlier_users[-1])
        best = float(scores.max()) if len(scores) else 0.0
        if best <= MIN_SUPPORT_SCORE:
            return None
        want = _valence(request.emotion)
        query = {t for t in morphemes(text) if t in self._retriever.vocab_dict}
        ranked = []
        for i in np.argsort(-scores)[: self._candidates]:
            if scores[i] <= MIN_SUPPORT_SCORE:
                break
            # the matched message must say much of what the user said, not share one word
            if not query or len(self._terms[i] & query) / len(query) < MIN_SUPPORT_COVER:
                continue
            score = scores[i] / best + (0.1 if self._seed_mask[i] else 0.0)
            if want is not None:
                got = self._question_valence(int(i))
                if got == want:
                    score += 0.25
                elif got is not None:
                    score -= 0.35
            if score >= MIN_SUPPORT_RELATIVE:
                ranked.append((score, int(i)))
        if not ranked:
            return None
        said = " ".join(m["content"] for m in request.messages if m["role"] == "user")
        user_nouns = set(content_words(_kiwi().tokenize(said)))
        for _, i in sorted(ranked, key=lambda r: (-r[0], r[1])):
            for sentence, nouns, ok in self._parts(i):
                if ok and generic_sentence(nouns, user_nouns, text) and not _used(sentence, avoid):
                    return sentence
        return None

    def choose(self, request: GenerationRequest) -> str:
        """The reply text (before streaming): an opening, maybe a feeling line, support or advice,
        one question. No sentence this conversation already heard is said again while another
        fits (`request.avoid`), and never a whole reply it already got."""
        text = request.user_text
        avoid = [_normalise(a) for a in request.avoid]
        exact = set(avoid)
        said = _said_sentences(request.avoid)
        users = [m["content"] for m in request.messages if m["role"] == "user"]
        turn = len(users) - 1
        back = back_reference(users)  # "아까 말한 그 팀장": the earlier turn's noun phrase
        act = _refined_act(request.context.act if request.context else None, text)
        calm = request.context is not None and request.context.safety == "none"
        if calm and privacy_kind(text):  # "내 얘기 어디 저장돼?" is answered, whatever the feeling
            answered = act_reply("privacy", exact | said, _normalise, text)
            if answered:
                return answered
        if act and calm and _act_fits_feeling(act, request.emotion, text) and not asks_where_to_get_help(text) \
                and not (back and act != "good_news"):
            noun = news_noun(text) if act == "good_news" else None
            answered = act_reply(act, exact | said, _normalise, text, noun=noun, back=back)
            if answered:
                return answered
        emotion = request.emotion
        topic = topic_of(text) or (topic_of(users[-2]) if turn else None)
        key = emotion_key(emotion, text)
        fresh = lambda options: [o for o in options if o and _normalise(o) not in said]  # noqa: E731
        feelings = fresh(feeling_candidates(topic, emotion, text))
        openers = [(how, line) for how, line in self._openings(text, key, turn, feelings) if fresh([line])]
        if back:
            openers = [("back", back_opener(back, text, key, turn))] + openers
        asked = info_answer(text) if act == "info" else []
        if (asked or (act in ("info", "advice") and is_question(text))) and not key and not back:
            openers = [("none", "")]  # a plain question is answered first, with no feeling read into it
        if not openers:
            empathy = EMPATHY.get(key, EMPATHY[""]) + EMPATHY[""]
            openers = [("empathy", line) for line in fresh(empathy) or [empathy[(turn + len(avoid)) % len(empathy)]]]
        how, head = openers[0]
        # a clause said back or a plain empathy line gets a feeling line; the other openings carry one
        middle = [f for f in feelings if f != head][:2] if how in ("feeling_word", "empathy", "back") else []
        # the information line only answers a question: "요양원은 죄책감이 들어서요" asks nothing
        extra = advice_lines(topic, text) if act == "advice" else INFO if act == "info" and is_question(text) else []
        if asks_where_to_get_help(text):  # "진짜 상담받을 수 있는 곳 알려줘", whatever the act head read
            extra = REFERRAL
        if asked:  # "상담센터는 비용이 얼마나 들어요?": what we know
            extra = asked
        support = None if how in ("none", "back") else self.support(request, avoid)
        extras = fresh(extra)[:1] or fresh([support])
        if support and support.rstrip(".!~ ").endswith(("겠어요", "겠네요", "겠죠")) and not extra:
            middle = []  # the support already says the feeling
        fitting = question_candidates(topic, emotion, text)
        if how == "none" and act == "info":
            fitting = INFO_QUESTIONS + fitting
        follow = [] if back else self._follow_ups(users, turn)  # the back-reference already goes back
        questions = fresh(follow + fitting + [q for q in all_questions() if q not in fitting])
        questions = questions or question_candidates(None, None, text + str(len(avoid)))
        for question in questions:
            for feeling in middle or [None]:
                reply = " ".join(p for p in (head, feeling, *extras, question) if p)
                if _normalise(reply) not in exact:
                    return reply
        return " ".join(p for p in (head, questions[0]) if p)  # everything was said: say it again

    @staticmethod
    def _openings(text: str, key: str, turn: int, feelings: list[str]) -> list[tuple[str, str]]:
        """(strategy, opening sentence) in this turn's order of strategies (see `offline_openers`)."""
        out: list[tuple[str, str | None]] = []
        for strategy in opening_order(text, turn):
            if strategy == "feeling_word":  # the key feeling alone, never the clause around it
                out.append((strategy, feeling_reflection(text)))
            elif strategy == "noun":
                phrase = key_phrase(text)
                out.append((strategy, noun_opener(phrase, key, text, turn) if phrase else None))
            else:
                out += [(strategy, f) for f in feelings[:1]]
        # the user's own words said back can read as our diagnosis ("치매 초기 진단을 받았군요")
        return [(how, line) for how, line in out if line and not find_problems(line)]

    @staticmethod
    def _follow_ups(users: list[str], turn: int) -> list[str]:
        """A question back to what was said two turns ago, on some turns, when it names something
        the newest message does not."""
        if turn < 2 or turn % 2 or rule_act(users[-3]):  # nothing to go back to in "안녕하세요"
            return []
        phrase = key_phrase(users[-3])
        if not phrase or phrase.split()[-1] in users[-1]:
            return []
        return follow_ups(phrase)[turn // 2 % len(FOLLOW_UPS):][:1]

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        reply = self.choose(request)
        # word by word, like a model would, so the sentence streaming path is the same
        words = reply.split(" ")
        for i, word in enumerate(words):
            yield word if i == 0 else " " + word


_SENTENCE_END = re.compile(r"(?<=[.!?~])\s+|\n+")


def _said_sentences(replies) -> set[str]:
    """Every sentence of the conversation's earlier replies, normalised."""
    return {_normalise(s) for reply in replies for s in _SENTENCE_END.split(reply) if _normalise(s)}


def _used(text: str, avoid: list[str]) -> bool:
    """Whether `text` was already part of a reply in this conversation (avoid: normalised replies)."""
    if not avoid:
        return False
    norm = _normalise(text)
    return bool(norm) and any(norm in a for a in avoid)


def _kiwi():
    from serving.kiwi import get_kiwi

    return get_kiwi()


def _classify(text: str) -> str | None:
    try:
        from serving.emotion import classify
    except ImportError:
        return None
    try:
        return classify(text).label
    except Exception:  # emotion is a ranking hint here, never a reason to fail
        logger.debug("emotion classification failed for a corpus question", exc_info=True)
        return None


_CALM = (None, "중립", "기쁨")
_LEAVING = re.compile(r"잘\s*자|주무|갈게|가볼게|안녕히|다음에|또\s*(올|봐|보)|바이|빠이|여기까지|굿\s*밤|굿나잇|ㅂㅂ|이만|잘게|자러")
# a farewell the act head read is one only with a word of leaving or thanks ("또 얘기해요" too)
_FAREWELL_CUES = re.compile(rf"{THANKS.pattern}|{_LEAVING.pattern}|또\s*(얘기|이야기)")
_LIGHT_SMALL_TALK = re.compile(r"날씨|비\s*(가|오|와|온)|비오|흐려|우중충")
_SHORT_GREETING = 8  # characters (no spaces or marks) a greeting the rules did not know may have
_SHORT_SMALL_TALK = 10  # a small-talk line on no subject we have a bank for gets the stock reply only this short


def _refined_act(act: str | None, text: str) -> str | None:
    """The head's act, made precise where the words decide: thanks is not goodbye ("고마워요 얘기
    들어줘서"), "좋은 방법 있을까요?" asks for advice, a "farewell" with no word of leaving or
    thanks is none ("아까 말한 그 팀장 말이야 ..." read as one)."""
    if act == "farewell":
        if not _FAREWELL_CUES.search(text):
            return "venting"
        return "thanks" if THANKS.search(text) and not _LEAVING.search(text) else "farewell"
    if act == "info" and asks_advice(text):
        return "advice"
    return act


def _act_fits_feeling(act: str, emotion: str | None, text: str = "") -> bool:
    """A stock act reply only when the feeling agrees: a misread act must never answer pain with
    "좋은 소식이네요" (a widow's "혼자 산 지 2년" read as good news) or with a greeting, nor a
    greeting that names distress ("안녕... 오늘 좀 힘든 날이야") with a plain greeting back."""
    if act == "good_news":
        return emotion == "기쁨" and not bad_news(text)
    if act == "greeting" and act_kind(act, text) in ("first", "long_time") and not distress_words(text):
        return True  # "안녕하세요 처음 와봤어요": a first visit is greeted as one
    if act == "greeting" and rule_act(text) != "greeting" and len(compact(text)) > _SHORT_GREETING:
        return False  # "좋은 아침이에요! 오늘 면접 보러 가요": the news, not a bare greeting back
    if act == "small_talk" and _LIGHT_SMALL_TALK.search(text) and not distress_words(text):
        return True  # "비 오니까 괜히 기분이 축 처지네": the weather's low mood, answered lightly
    if act == "small_talk" and not act_kind(act, text) and len(compact(text)) > _SHORT_SMALL_TALK:
        return False  # "강아지를 입양할까 고민 중이에요" is no chat about nothing: it is composed
    if act in ("thanks", "farewell") and not distress_words(text):
        return True  # "고마워 좀 풀린다": relief and thanks are no hurting
    return emotion in _CALM and (act == "bot_question" or not distress_words(text))
