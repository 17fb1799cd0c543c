"""What the learned style engines (kobart, prompt) share: load once, check, fall back.

A learned engine loads its model lazily (once, thread-safe), keeps per-thread diagnostics of
its last call, and hands every sentence whose output fails a check to the fallback engine
(the rule engine), logging why.
"""

from __future__ import annotations

import re

import logging
from collections import Counter
from dataclasses import dataclass

logger = logging.getLogger("serving.style")


@dataclass
class Fallback:
    index: int
    reason: str


def log_fallbacks(engine: str, fallback, fallbacks: list[Fallback], total: int) -> None:
    """One log line per reply: how many sentences fell back, and why (the check that failed)."""
    if not fallbacks:
        return
    reasons = Counter(fb.reason.split(":", 1)[0] for fb in fallbacks)
    first = fallbacks[0].reason
    logger.info("%s style engine: %d of %d sentences fell back to %s (%s); e.g. sentence %d: %s", engine,
                len(fallbacks), total, getattr(fallback, "name", "fallback"),
                ", ".join(f"{k} {v}" for k, v in reasons.items()), fallbacks[0].index, first)


def default_fallback():
    """The rule engine (the serving default), or identity if it cannot be built here."""
    try:
        from serving.style.rules import RulesEngine

        return RulesEngine(seed=0)
    except Exception as exc:  # noqa: BLE001 - a fallback must always exist
        from serving.style.base import IdentityEngine

        logger.warning("rule engine unavailable (%s); falling back to identity", exc)
        return IdentityEngine()


_PLAYFUL = re.compile(r"[!~♡♥]|ㅎㅎ|ㅋㅋ|허허|하하|[\U0001F300-\U0001FAFF\u2600-\u27BF]|\([^)]*[ᴗω˘˃˂•][^)]*\)")


def playful_on_calm(source: str, output: str, context=None) -> str | None:
    """`calm`: the output adds emoji, laughter or cheerful marks to a sentence about pain, risk,
    grief, illness or self-criticism, or while the conversation is subdued."""
    from serving.style.decorate import calm_needed

    if calm_needed(source, context=context) is None:
        return None
    added = set(_PLAYFUL.findall(output)) - set(_PLAYFUL.findall(source))
    return f"calm: decoration {sorted(added)} on a sentence that must stay calm" if added else None


class LearnedEngineBase:
    """Subclasses set `name`, `_fallback`, `_diag` (threading.local), `_load_lock`, `_loaded`,
    `unavailable`, and implement `_load() -> bool`.

    `last_fallbacks` / `last_raw` are those of the calling thread: one engine serves many users
    at once, and one user's diagnostics must never show up in another's.
    """

    name = "learned"

    @property
    def fallback(self):
        if self._fallback is None:
            self._fallback = default_fallback()
        return self._fallback

    def load(self) -> bool:
        """Load the model once. False (and `unavailable` says why) when it cannot be used."""
        if self._loaded:
            return self.unavailable is None
        with self._load_lock:
            if self._loaded:
                return self.unavailable is None
            ok = self._load()
            self._loaded = True
            return ok

    def _load(self) -> bool:  # pragma: no cover - every engine defines it
        raise NotImplementedError

    def _accept_checked(self, out: list[str], sentences: list[str], todo: list[int], generated: list[str],
                        persona, context=None) -> list[str]:
        """Keep each generated sentence that passes `self.check` (and adds no decoration to a
        sentence that must stay calm); the rest go to the fallback."""
        failed: dict[int, str] = {}
        for i, text in zip(todo, generated):
            self.last_raw[i] = text
            why = self.check.check(sentences[i], text) or playful_on_calm(sentences[i], text, context)
            if why:
                failed[i] = why
            else:
                out[i] = text
        if failed:
            self._fall_back(out, sentences, sorted(failed), persona, failed, context)
        return out

    def _fall_back(self, out: list[str], sentences: list[str], indices: list[int], persona, reasons,
                   context=None) -> list[str]:
        """Rewrite `sentences[i]` for i in `indices` with the fallback engine; `reasons` is one
        reason for all or a dict index -> reason."""
        for i in indices:
            why = reasons[i] if isinstance(reasons, dict) else reasons
            self.last_fallbacks.append(Fallback(i, why))
            logger.debug("%s style engine: sentence %d falls back: %s", self.name, i, why)
        log_fallbacks(self.name, self.fallback, self.last_fallbacks, len(sentences))
        try:
            rewritten = self.fallback.rewrite([sentences[i] for i in indices], persona, context=context)
        except Exception as exc:  # noqa: BLE001 - never raise on odd text
            logger.warning("fallback engine failed (%s); keeping the sentences unchanged", exc)
            rewritten = [sentences[i] for i in indices]
        for i, text in zip(indices, rewritten):
            out[i] = text
        return out

    @property
    def last_fallbacks(self) -> list[Fallback]:
        return getattr(self._diag, "fallbacks", [])

    @last_fallbacks.setter
    def last_fallbacks(self, value: list[Fallback]) -> None:
        self._diag.fallbacks = value

    @property
    def last_raw(self) -> list[str | None]:
        return getattr(self._diag, "raw", [])

    @last_raw.setter
    def last_raw(self, value: list[str | None]) -> None:
        self._diag.raw = value


