"""One shared Kiwi analyser per process, built and ready (its first analysis compiles the model).

This caches a read-only model, not conversation state, so sharing it is safe; Kiwi's
analysis methods are thread-safe.

Kiwi's multi-word dictionary (WikiData titles and names such as "숏 컷" as one NNP) is not
loaded: it costs about 2.8 s of CPU per start (of 4.9 s), and it changed the analysis of 1 of
7,882 ChatbotData sentences and none of the 644 seed messages, where it only glued two
common nouns into a proper noun.

One message is analysed by several stages (safety's normalisation and learned layer, the
emotion classifier, offline retrieval, the style engine and its checks), each through this
one analyser: `SharedKiwi` keeps the last analyses, keyed by the method, the text and the
options, so the same text with the same options is analysed once and the stages share it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import lru_cache
from typing import Any

WARM_TEXT = "요즘 잠이 잘 안 와요."
KIWI_OPTIONS = {"load_multi_dict": False}  # part of every cache key of Kiwi analyses
MEMO_SIZE = 256  # analyses kept: a turn's message, its candidates and reply sentences fit many times


class SharedKiwi:
    """A Kiwi whose `tokenize`, `analyze` and `split_into_sents` on one text remember the result.

    Each caller gets its own copy of the outer list (the tokens themselves are shared and are
    never changed by our code). Batches (an iterable of texts) and options that cannot be a key
    (pretokenized spans given as lists) go straight to Kiwi. Everything else is Kiwi's own.
    """

    def __init__(self, kiwi, size: int = MEMO_SIZE) -> None:
        self._kiwi = kiwi
        self._size = size
        self._memo: OrderedDict[tuple, list] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._kiwi, name)

    def tokenize(self, text, *args, **options):
        return self._remembered("tokenize", text, args, options)

    def analyze(self, text, *args, **options):
        return self._remembered("analyze", text, args, options)

    def split_into_sents(self, text, *args, **options):
        return self._remembered("split_into_sents", text, args, options)

    def _remembered(self, method: str, text, args: tuple, options: dict):
        run = getattr(self._kiwi, method)
        if not isinstance(text, str):
            return run(text, *args, **options)
        key = (method, text, args, tuple(sorted(options.items())))
        try:
            hash(key)
        except TypeError:
            return run(text, *args, **options)
        with self._lock:
            found = self._memo.get(key)
            if found is not None:
                self._memo.move_to_end(key)
                self.hits += 1
                return list(found)
        result = run(text, *args, **options)
        if not isinstance(result, list):
            return result  # a generator (or something new): not kept
        with self._lock:
            self.misses += 1
            self._memo[key] = result
            if len(self._memo) > self._size:
                self._memo.popitem(last=False)
        return list(result)


@lru_cache(maxsize=1)
def get_kiwi() -> SharedKiwi:
    from kiwipiepy import Kiwi

    kiwi = Kiwi(**KIWI_OPTIONS)
    kiwi.tokenize(WARM_TEXT)  # Kiwi builds its model on the first analysis: do it here, once
    return SharedKiwi(kiwi)
