"""One shared Kiwi analyser per process (loading it takes about a second).

This caches a read-only model, not conversation state, so sharing it is safe; Kiwi's
analysis methods are thread-safe.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def get_kiwi():
    from kiwipiepy import Kiwi

    return Kiwi()
