"""The learned semantic layer: calibrated heads on the shared sentence encoder (USE-m3).

Three heads (`serving.semantic.SoftmaxHead`, temperature-calibrated, cached on disk):

- **message**: p(none / concern / crisis | the message), on the message's embedding;
- **window**: the same for the message read in its conversation, on
  ``[embedding of the message, mean embedding of the previous user messages]`` (a zero vector
  when there are none). The previous messages were embedded on their own turns, so the
  window costs no extra encoding;
- **path**: p(general / ingestion / other_danger / abuse | a crisis message), for routing.

A head answers `crisis` at p(crisis) ≥ its crisis threshold and `concern` at
p(concern) + p(crisis) ≥ its flag threshold. The thresholds were chosen by cross-validation
grouped by writer (`maeum safety cv`, docs/safety.md). The layer only ever raises the rules'
level (`SafetyAssessor`). Long messages are assessed in chunks; the most worrying chunk counts.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from serving.safety.models import LEVELS, Level
from serving.safety.normalize import clean_text, compact_text
from serving.safety.resources import CRISIS_PATHS
from serving.safety.training_data import SafetyExample
from serving.safety.lazy import Lazy

log = logging.getLogger(__name__)

CHUNK_CHARS = 300  # the encoder slows down sharply on long inputs; a chunk is a few sentences
# A long message is read in at most this many chunks: the end (where a farewell or plan tends to
# come), the start, and the chunks holding the rules' evidence. The rules still read every word.
MAX_CHUNKS = 6
TAIL_CHUNKS = 3
_SENTENCE_END = re.compile(r"(?<=[.!?。…~\n])\s+|\n+")


@dataclass(frozen=True)
class SemanticConfig:
    # Chosen by writer-grouped cross-validation with the MLP heads (docs/safety.md). At 0.8 held-out
    # writers' crisis recall was 74.4% (false crisis 5.5%), but the head then sent our own hard
    # negatives ("오늘이 세일 마지막이니까 사야지", "쥐구멍에 숨고 싶었어") to the crisis reply; 0.9: 65.8% /
    # 4.4% (logistic regression at the same false-crisis rate: 54%). The check-in threshold keeps
    # "그 개그 진짜 죽인다", "오늘 힘들었어" free of one.
    message_crisis: float = 0.9
    message_flag: float = 0.9
    window_crisis: float = 0.9
    window_flag: float = 0.9
    window_turns: int = 3  # previous user messages read with the new one
    # One hidden layer of 256 ReLU units in every head: held out by writer, crisis recall at the same
    # false-crisis rate rose from ~54% (logistic regression) to ~75% (docs/safety.md, `maeum safety cv`).
    hidden: int = 256
    learning_rate: float = 0.002
    l2: float = 1e-3
    steps: int = 300
    # A rule's crisis from a soft cue only (a farewell phrase, a means word, the lemma fail-safe; not
    # a stated wish to die or self-harm) becomes a check-in when the message head finds p(crisis)
    # below this: held-out writers' false crises 6.8% -> 6.0% for 0.1 points of crisis recall (0.05
    # and 0.1 saved more, but sent "광안대교 위야 밑에 보니까 하나도 안 무섭다" to a check-in).
    demote_soft_below: float = 0.03
    # ...and no flag at all when even p(concern or crisis) is below this ("캠핑 가서 번개탄으로 고기
    # 구웠어"): fewer check-ins on hard negatives, crisis-or-concern unchanged (docs/safety.md).
    clear_soft_below: float = 0.02

    def head_config(self):
        from serving.semantic.heads import HeadConfig

        return HeadConfig(l2=self.l2, steps=self.steps, hidden=self.hidden, learning_rate=self.learning_rate)


@dataclass(frozen=True)
class SemanticOpinion:
    level: Level
    p_crisis: float
    p_flag: float
    source: str  # "message" or "window"

    @property
    def reason(self) -> str:
        return f"semantic.{self.source}: {self.level} (p_crisis {self.p_crisis:.2f}, p_flag {self.p_flag:.2f})"


def encoder_text(text: str) -> str:
    """What the encoder reads: the message itself, or its normalised form when normalising undid a
    dodge (jamo, look-alikes, romanisation). The plain case keeps the message as other stages
    embed it, so `embed_one` encodes it once per turn."""
    clean = clean_text(text)
    return text if clean == " ".join(text.lower().split()) else clean


def chunks(text: str, size: int = CHUNK_CHARS) -> list[str]:
    """`text` in pieces of at most about `size` characters, cut at sentence ends where possible."""
    if len(text) <= size:
        return [text]
    out, current = [], ""
    for piece in _SENTENCE_END.split(text):
        while len(piece) > size:  # one very long sentence: hard cut
            if current:
                out.append(current)
                current = ""
            out.append(piece[:size])
            piece = piece[size:]
        if current and len(current) + 1 + len(piece) > size:
            out.append(current)
            current = piece
        else:
            current = f"{current} {piece}".strip()
    if current:
        out.append(current)
    return out


def select_chunks(pieces: Sequence[str], focus: Sequence[str] = (), limit: int = MAX_CHUNKS) -> list[str]:
    """At most `limit` of `pieces`, in order: those holding a `focus` string (compact rule
    evidence) first, then the last `TAIL_CHUNKS`, then the first."""
    if len(pieces) <= limit:
        return list(pieces)
    compact = [compact_text(p) for p in pieces]
    wanted = [i for i, c in enumerate(compact) if any(f and f in c for f in focus)]
    wanted += list(range(len(pieces) - TAIL_CHUNKS, len(pieces))) + [0]
    keep: list[int] = []
    for i in wanted:
        if i not in keep and len(keep) < limit:
            keep.append(i)
    return [pieces[i] for i in sorted(keep)]


def _embed(texts: Sequence[str]) -> np.ndarray:
    from serving.semantic import embed_one, get_encoder

    if len(texts) == 1:
        return embed_one(texts[0])[None, :]
    return get_encoder().encode(list(texts))


def _level(probs: dict[str, float], crisis: float, flag: float) -> tuple[Level, float, float]:
    p_crisis = probs.get("crisis", 0.0)
    p_flag = p_crisis + probs.get("concern", 0.0)
    if p_crisis >= crisis:
        return "crisis", p_crisis, p_flag
    if p_flag >= flag:
        return "concern", p_crisis, p_flag
    return "none", p_crisis, p_flag


class SemanticSafety:
    def __init__(self, message_head, window_head=None, path_head=None, config: SemanticConfig | None = None):
        self.message_head = message_head
        self.window_head = window_head
        self.path_head = path_head
        self.config = config or SemanticConfig()

    # --- probabilities ---------------------------------------------------------------------------
    def message_vectors(self, text: str, focus: Sequence[str] = ()) -> np.ndarray:
        """One embedding per chunk read (all chunks in one encoder call); `focus`: see `select_chunks`."""
        return _embed(select_chunks(chunks(encoder_text(text)), focus))

    def message_probs(self, vectors: np.ndarray) -> dict[str, float]:
        """Per class, the highest probability over the chunks (the most worrying piece counts)."""
        p = self.message_head.predict_proba(vectors)
        return {c: float(p[:, i].max()) for i, c in enumerate(self.message_head.classes)}

    def window_probs(self, vectors: np.ndarray, context: Sequence[str]) -> dict[str, float] | None:
        if self.window_head is None or not context:
            return None
        # one by one through the memo: each earlier message was embedded on its own turn already
        previous = np.stack([_embed([encoder_text(t)[:CHUNK_CHARS]])[0] for t in context]).mean(axis=0)
        features = np.concatenate([vectors, np.repeat(previous[None, :], len(vectors), axis=0)], axis=1)
        p = self.window_head.predict_proba(features)
        return {c: float(p[:, i].max()) for i, c in enumerate(self.window_head.classes)}

    def path_probs(self, vectors: np.ndarray) -> dict[str, float] | None:
        if self.path_head is None:
            return None
        p = self.path_head.predict_proba(vectors).mean(axis=0)
        return {c: float(v) for c, v in zip(self.path_head.classes, p)}

    # --- decisions --------------------------------------------------------------------------------
    def assess(self, text: str, context: Sequence[str] = (),
               focus: Sequence[str] = ()) -> tuple[SemanticOpinion, dict[str, float] | None]:
        """The layer's level for `text` (in `context`, oldest first) and its crisis-path probabilities.
        `focus`: the rules' evidence, so a long message's chunks that hold it are read."""
        cfg = self.config
        vectors = self.message_vectors(text, focus)
        level, p_crisis, p_flag = _level(self.message_probs(vectors), cfg.message_crisis, cfg.message_flag)
        opinion = SemanticOpinion(level, p_crisis, p_flag, "message")
        window = self.window_probs(vectors, list(context)[-cfg.window_turns:])
        if window is not None:
            w_level, w_crisis, w_flag = _level(window, cfg.window_crisis, cfg.window_flag)
            if LEVELS.index(w_level) > LEVELS.index(level):
                opinion = SemanticOpinion(w_level, w_crisis, w_flag, "window")
        # the path is read from the most worrying chunk: in a long message the ordinary chunks
        # around it would otherwise outvote the one that matters
        crisis_index = list(self.message_head.classes).index("crisis") if "crisis" in self.message_head.classes else 0
        worst = int(self.message_head.predict_proba(vectors)[:, crisis_index].argmax())
        return opinion, self.path_probs(vectors[worst:worst + 1])


# --- training ---------------------------------------------------------------------------------------
def _window_features(examples: Sequence[SafetyExample], message_vectors: np.ndarray, turns: int) -> np.ndarray:
    from serving.semantic import cached_embeddings

    contexts = [list(e.context)[-turns:] for e in examples]
    flat = [encoder_text(t)[:CHUNK_CHARS] for c in contexts for t in c]
    flat_vectors = cached_embeddings(flat, namespace="safety-context") if flat else np.zeros((0, message_vectors.shape[1]))
    previous = np.zeros_like(message_vectors)
    at = 0
    for i, c in enumerate(contexts):
        if c:
            previous[i] = flat_vectors[at:at + len(c)].mean(axis=0)
            at += len(c)
    return np.concatenate([message_vectors, previous], axis=1)


def train(examples: Sequence[SafetyExample], config: SemanticConfig | None = None, *,
          use_cache: bool = True) -> SemanticSafety:
    """Heads trained on `examples` (all of them: the caller leaves out what it will score)."""
    from serving.semantic import cached_embeddings, get_encoder, train_or_load_head
    config = config or SemanticConfig()
    head_config = config.head_config()
    encoder = get_encoder()
    texts = [encoder_text(e.text)[:CHUNK_CHARS] for e in examples]
    vectors = cached_embeddings(texts, namespace="safety-train", use_cache=use_cache)
    labels = [e.label for e in examples]
    single = [i for i, e in enumerate(examples) if not e.context]
    message_head = train_or_load_head("safety-message", [texts[i] for i in single], [labels[i] for i in single],
                                      features=vectors[single], encoder_name=encoder.name, config=head_config,
                                      classes=LEVELS, use_cache=use_cache)
    window_head = None
    if any(e.context for e in examples):
        window_x = _window_features(examples, vectors, config.window_turns)
        keys = [" || ".join([*e.context[-config.window_turns:], e.text]) for e in examples]
        window_head = train_or_load_head("safety-window", keys, labels, features=window_x, encoder_name=encoder.name,
                                         config=head_config, classes=LEVELS, use_cache=use_cache)
    crisis = [i for i, e in enumerate(examples) if e.label == "crisis" and e.path in CRISIS_PATHS]
    path_head = None
    if len({examples[i].path for i in crisis}) == len(CRISIS_PATHS) and len(crisis) >= 40:
        path_head = train_or_load_head("safety-path", [texts[i] for i in crisis], [examples[i].path for i in crisis],
                                       features=vectors[crisis], encoder_name=encoder.name, config=head_config,
                                       classes=CRISIS_PATHS, use_cache=use_cache)
    return SemanticSafety(message_head, window_head, path_head, config)


# --- shipped heads ---------------------------------------------------------------------------------
# Training needs every training text embedded (about a minute on a cold cache); the trained heads
# are shipped in data/safety_heads/ under a key of the encoder, the config and every example, so a
# fresh install loads them in milliseconds. `maeum safety train-heads` rewrites them.
HEADS_FOLDER = "safety_heads"
_HEAD_NAMES = ("message", "window", "path")


def data_key(examples: Sequence[SafetyExample], config: SemanticConfig, encoder_name: str) -> str:
    import hashlib
    import json

    # only what changes the trained weights: the thresholds can move without retraining
    trained = {"l2": config.l2, "steps": config.steps, "window_turns": config.window_turns, "hidden": config.hidden,
               "learning_rate": config.learning_rate}
    digest = hashlib.sha256(json.dumps([encoder_name, trained]).encode())
    for e in examples:
        digest.update(json.dumps([e.id, e.text, e.label, e.path, list(e.context)], ensure_ascii=False).encode())
    return digest.hexdigest()[:16]


def save_heads(layer: SemanticSafety, folder, key: str) -> list:
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for old in (f for name in _HEAD_NAMES for f in folder.glob(f"{name}-*.npz")):
        old.unlink()
    written = []
    for name in _HEAD_NAMES:
        head = getattr(layer, f"{name}_head")
        if head is not None:
            file = folder / f"{name}-{key}.npz"
            head.save(file, {"key": key})
            written.append(file)
    return written


def load_heads(folder, key: str, config: SemanticConfig) -> SemanticSafety | None:
    from pathlib import Path

    from serving.semantic import SoftmaxHead

    file = Path(folder) / f"message-{key}.npz"
    if not file.is_file():
        return None
    heads = {name: (SoftmaxHead.load(f) if (f := Path(folder) / f"{name}-{key}.npz").is_file() else None)
             for name in _HEAD_NAMES}
    return SemanticSafety(heads["message"], heads["window"], heads["path"], config)


def _build_default() -> SemanticSafety | None:
    from maeum import paths
    from serving.semantic import EncoderUnavailable, get_encoder
    from serving.safety.training_data import load_examples

    try:
        examples = [e for e in load_examples() if e.trainable]
        if not examples:
            log.warning("no labelled safety data found; the semantic safety layer is off (rules only)")
            return None
        config = SemanticConfig()
        key = data_key(examples, config, get_encoder().name)
        folder = paths.data_dir()
        shipped = load_heads(folder / HEADS_FOLDER, key, config) if folder is not None else None
        if shipped is not None:
            return shipped
        log.warning("the shipped safety heads do not match the data; training them now "
                    "(run `maeum safety train-heads` to ship them)")
        return train(examples, config)
    except EncoderUnavailable as exc:
        log.warning("%s; the semantic safety layer is off (rules only)", exc)
        return None
    except Exception:  # never let the learned layer take the rules down
        log.warning("could not build the semantic safety layer; rules only", exc_info=True)
        return None


# The layer trained on every trainable example we ship; None without the encoder or data.
default_semantic = Lazy(_build_default)
