"""A value built once, on first use, by any thread (learned layers train or load at first use)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Lazy(Generic[T]):
    def __init__(self, build: Callable[[], T]):
        self._build = build
        self._lock = threading.Lock()
        self._done = False
        self._value: T | None = None

    def __call__(self) -> T:
        with self._lock:
            if not self._done:
                self._value = self._build()
                self._done = True
            return self._value
