"""Offline replies: BM25 retrieval over Kiwi morphemes, no language model.

The corpus is (user message → counsellor reply) pairs from our seed conversations
(`data/seed_conversations.jsonl`) plus, when a path is given, ChatbotData (Q, A, label;
~11.8k pairs). The user's message is analysed by Kiwi into content morphemes ("힘들/VA",
"팀장/NN"), scored with BM25 (`bm25s`) against each pair's user side, then re-ranked:

- emotion: candidates whose user side carries the detected emotion score higher, and a
  cheerful reply is pushed down when the user is hurting (and vice versa);
- source: our counselling-style seed replies get a small boost over ChatbotData's short ones;
- no repeats: a reply this conversation already got (`request.avoid`) is never chosen again;
- ending: a reply without a question gets one open question for the emotion, where it fits.

Tokenising ChatbotData with Kiwi takes ~10 s on a small CPU, so the analysed corpus is cached
on disk (`$MAEUM_CACHE_DIR`, default ~/.cache/maeum) keyed by its content: later starts load it in
well under a second.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from maeum import paths
from maeum.errors import ConfigError

from .base import BaseGenerator, GenerationRequest

logger = logging.getLogger(__name__)

CACHE_ENV = "MAEUM_CACHE_DIR"
CHATBOTDATA_FILE = "ChatbotData.csv"
INDEX_VERSION = 2  # bump when the morpheme selection changes

# Kiwi tags kept as search terms: nouns, predicates' stems, adverbs, roots, foreign words, numbers.
_KEEP_PREFIXES = ("NN", "NP", "NR", "VV", "VA", "MAG", "XR", "SL", "SH", "SN", "IC")
# Very common words that match everything in short chat messages ("너무 힘들어").
_STOPWORDS = {"너무/MA", "정말/MA", "진짜/MA", "좀/MA", "그냥/MA", "많이/MA", "요즘/NN", "오늘/NN", "완전/NN", "것/NN",
              "수/NN", "거/NN", "때문/NN", "나/NP", "저/NP", "너/NP", "이/NP", "하/VV", "있/VA", "있/VV", "없/VA",
              "되/VV", "같/VA"}
_NEGATIVE = {"슬픔", "분노", "불안", "상처", "당황"}
_POSITIVE = {"기쁨"}
# ChatbotData labels: 0 everyday, 1 breakup (negative), 2 love (positive)
_CHATBOTDATA_VALENCE = {"0": None, "1": "negative", "2": "positive"}

OPEN_QUESTIONS: dict[str, list[str]] = {
    "슬픔": ["요즘 그 마음을 누구와 나눌 수 있었나요?", "그 일이 있고 나서 어떻게 지내고 계세요?",
           "지금 가장 마음에 걸리는 건 어떤 부분이에요?"],
    "분노": ["어떤 점이 가장 화가 나셨어요?", "그 상황에서 정말 바랐던 건 무엇이었어요?",
           "그 감정이 올라올 때 보통 어떻게 하세요?"],
    "불안": ["가장 걱정되는 부분은 어떤 거예요?", "그 걱정이 들 때 몸이나 마음은 어떤가요?",
           "최악의 경우를 떠올리면 어떤 장면이 그려지세요?"],
    "상처": ["그 말을 들었을 때 어떤 마음이 드셨어요?", "그 일이 지금까지도 마음에 남아 있나요?",
           "그때 어떤 말을 듣고 싶으셨어요?"],
    "당황": ["그 순간 어떤 생각이 가장 먼저 들었어요?", "지금은 마음이 좀 가라앉으셨어요?",
           "그 뒤로 어떻게 하셨어요?"],
    "기쁨": ["그 순간 기분이 어떠셨어요?", "그 기쁨을 누구와 나누고 싶으세요?",
           "그렇게 되기까지 어떤 노력을 하셨어요?"],
    "": ["조금 더 이야기해 주실 수 있을까요?", "요즘 마음은 어떻게 지내고 있어요?",
         "그 이야기를 하면서 어떤 마음이 드세요?"],
}

FALLBACK_REPLIES: dict[str, list[str]] = {
    "슬픔": ["많이 속상하셨겠어요.", "마음이 무겁게 느껴지는 하루였겠어요.", "그런 일을 겪으면 누구라도 슬플 거예요."],
    "분노": ["정말 화가 날 만한 일이었네요.", "그런 대우를 받으면 억울하고 화가 나는 게 당연해요.",
           "그 상황이 많이 답답하셨겠어요."],
    "불안": ["마음이 많이 불안하셨겠어요.", "확실하지 않은 일을 기다리는 건 정말 힘들죠.",
           "걱정이 꼬리에 꼬리를 무는 느낌이셨겠어요."],
    "상처": ["그 말이 마음에 많이 아프게 남으셨겠어요.", "믿었던 만큼 더 상처가 되셨겠어요.",
           "그런 일을 겪고도 이렇게 이야기해 주셔서 고마워요."],
    "당황": ["갑작스러워서 많이 놀라셨겠어요.", "예상하지 못한 일이라 당황스러우셨겠어요.",
           "그 순간 머릿속이 하얘지셨을 것 같아요."],
    "기쁨": ["정말 기쁜 일이네요!", "이야기만 들어도 저까지 기분이 좋아져요.", "그동안의 노력이 빛을 본 것 같아요."],
    "": ["이야기해 주셔서 고마워요.", "그런 일이 있었군요.", "말씀해 주신 내용을 잘 듣고 있어요."],
}


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


def cache_dir() -> Path:
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "maeum"


def _kiwi_version() -> str:
    try:
        import kiwipiepy

        return kiwipiepy.__version__
    except Exception:  # pragma: no cover
        return "?"


def analysed_corpus(questions: list[str], *, use_cache: bool = True) -> list[list[str]]:
    """Morphemes of every question, from the disk cache when the same corpus was seen before."""
    digest = hashlib.sha256(f"{INDEX_VERSION}|{_kiwi_version()}|".encode())
    for q in questions:
        digest.update(q.encode("utf-8") + b"\0")
    file = cache_dir() / "offline" / f"morphemes-{digest.hexdigest()[:24]}.json"
    if use_cache and file.exists():
        try:
            tokens = json.loads(file.read_text(encoding="utf-8"))
            if len(tokens) == len(questions):
                return tokens
        except (OSError, ValueError):
            logger.warning("ignoring a damaged offline index cache %s", file)
    tokens = [morphemes(q) for q in questions]
    if use_cache:
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
            tmp = file.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            tmp.write_text(json.dumps(tokens, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, file)
        except OSError as exc:
            logger.warning("could not cache the offline index in %s: %s", file.parent, exc)
    return tokens


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
        self._retriever = bm25s.BM25(b=0.5)  # milder length penalty: seed questions are long
        self._retriever.index(tokens, show_progress=False)
        self._candidates = min(candidates, len(pairs))
        self._seed_mask = np.array([p.source == "seed" for p in pairs])
        self._valence = [p.valence for p in pairs]
        self._emotion_cache: dict[int, str | None] = {}  # corpus index -> emotion of its question
        self._lock = threading.Lock()
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

    def choose(self, request: GenerationRequest) -> str:
        """The reply text (before streaming): best fitting, never one in `request.avoid`."""
        scores = self._scores(request.user_text)
        earlier_users = [m["content"] for m in request.messages[:-1] if m["role"] == "user"]
        if earlier_users:  # a little of the previous message, for follow-ups like "그래서 더 힘들어"
            scores = scores + 0.3 * self._scores(earlier_users[-1])
        best = float(scores.max()) if len(scores) else 0.0
        avoid = [_normalise(a) for a in request.avoid]
        want = _valence(request.emotion)
        reply = None
        if best > 0:
            top = np.argsort(-scores)[: self._candidates * 3]
            ranked = []
            for i in top:
                if scores[i] <= 0:
                    break
                if _used(self.pairs[i].answer, avoid):
                    continue
                score = scores[i] / best
                if self._seed_mask[i]:
                    score += 0.1
                if want is not None:
                    got = self._question_valence(int(i))
                    if got == want:
                        score += 0.25
                    elif got is not None:
                        score -= 0.35
                ranked.append((score, int(i)))
                if len(ranked) >= self._candidates:
                    break
            if ranked:
                score, i = max(ranked)
                if score >= 0.35:
                    reply = self.pairs[i].answer
        if reply is None:
            reply = _pick(FALLBACK_REPLIES.get(request.emotion or "", FALLBACK_REPLIES[""]), avoid) \
                or _pick(FALLBACK_REPLIES[""], avoid)
        if reply is None:  # a very long conversation: any unused reply, best scored first
            order = np.argsort(-scores, kind="stable")
            reply = next((self.pairs[i].answer for i in order if not _used(self.pairs[i].answer, avoid)), None)
        if reply is None:  # everything was said once: a new pairing of a reflection and a question
            exact = set(avoid)
            for text in (f"{f} {q}" for fs in FALLBACK_REPLIES.values() for f in fs
                         for qs in OPEN_QUESTIONS.values() for q in qs):
                if _normalise(text) not in exact:
                    return text
            return FALLBACK_REPLIES[""][0]
        return self._with_question(reply, request.emotion, avoid)

    def _with_question(self, reply: str, emotion: str | None, avoid: list[str]) -> str:
        if "?" in reply or len(reply) > 160:
            return reply
        bank = OPEN_QUESTIONS.get(emotion or "", OPEN_QUESTIONS[""])
        question = _pick(bank, avoid) or _pick(OPEN_QUESTIONS[""], avoid)
        if question is None:
            return reply
        ending = reply.rstrip()
        if ending and ending[-1] not in ".!?…~":
            ending += "."
        return f"{ending} {question}"

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        reply = self.choose(request)
        # word by word, like a model would, so the sentence streaming path is the same
        words = reply.split(" ")
        for i, word in enumerate(words):
            yield word if i == 0 else " " + word


def _used(text: str, avoid: list[str]) -> bool:
    """Whether `text` was already part of a reply in this conversation (avoid: normalised replies)."""
    norm = _normalise(text)
    return bool(norm) and any(norm in a for a in avoid)


def _pick(options: list[str], avoid: list[str]) -> str | None:
    """The first option not already said in this conversation."""
    for option in options:
        if not _used(option, avoid):
            return option
    return None


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
