"""One shared Kiwi analyser per process, built and ready (its first analysis compiles the model).

This caches a read-only model, not conversation state, so sharing it is safe; Kiwi's
analysis methods are thread-safe.

Kiwi's multi-word dictionary (WikiData titles and names such as "숏 컷" as one NNP) is not
loaded: it costs about 2.8 s of CPU per start (of 4.9 s), and it changed the analysis of 1 of
7,882 ChatbotData sentences and none of the 644 seed messages, where it only glued two
common nouns into a proper noun.
"""

from __future__ import annotations

from functools import lru_cache

WARM_TEXT = "요즘 잠이 잘 안 와요."
KIWI_OPTIONS = {"load_multi_dict": False}  # part of every cache key of Kiwi analyses


@lru_cache(maxsize=1)
def get_kiwi():
    from kiwipiepy import Kiwi

    kiwi = Kiwi(**KIWI_OPTIONS)
    kiwi.tokenize(WARM_TEXT)  # Kiwi builds its model on the first analysis: do it here, once
    return kiwi
