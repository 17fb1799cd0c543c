"""From a stream of text pieces (tokens) to a stream of sentences, as early as possible.

`sentence_stream(pieces)` yields each sentence as soon as the text after it shows it is
complete, and the rest at the end, so the style stage can voice sentence 1 while the model
is still writing sentence 2. Boundaries come from Kiwi's sentence splitter (which also
knows Korean endings without punctuation: "...힘드셨겠어요 그래도 ...").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

# Text that may hold a sentence boundary: punctuation, a line break, or a Korean final
# ending followed by a space. Kiwi only runs when the buffer has one of these.
_MAYBE_BOUNDARY = re.compile(r"[.!?…~。\n]|[요다죠까네군나]\s")
MAX_SENTENCE_CHARS = 300  # a run-on longer than this is cut at a space so the user sees something


def kiwi_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`."""
    from serving.kiwi import get_kiwi

    return [(s.start, s.end) for s in get_kiwi().split_into_sents(text)]


def sentence_stream(pieces: Iterable[str], spans: Callable[[str], list[tuple[int, int]]] = kiwi_spans
                    ) -> Iterator[str]:
    """Complete sentences from `pieces`, in order, stripped, none empty.

    Closing this iterator closes `pieces` (stopping generation).
    """
    buffer = ""
    checked = 0  # length of buffer when Kiwi last found no boundary
    try:
        for piece in pieces:
            if not piece:
                continue
            buffer += piece
            if len(buffer) == checked or not _MAYBE_BOUNDARY.search(buffer, max(0, checked - 2)):
                if len(buffer) <= MAX_SENTENCE_CHARS:
                    continue
            found = spans(buffer)
            if len(found) >= 2:
                # everything before the last sentence is final
                last_start = found[-1][0]
                for start, end in found[:-1]:
                    sentence = buffer[start:end].strip()
                    if sentence:
                        yield sentence
                buffer = buffer[last_start:]
                checked = 0
            elif len(buffer) > MAX_SENTENCE_CHARS:
                cut = buffer.rfind(" ", 0, MAX_SENTENCE_CHARS)
                cut = cut if cut > 0 else MAX_SENTENCE_CHARS
                head = buffer[:cut].strip()
                if head:
                    yield head
                buffer = buffer[cut:]
                checked = 0
            else:
                checked = len(buffer)
        if buffer.strip():
            found = spans(buffer) or [(0, len(buffer))]
            if found[-1][1] < len(buffer) and buffer[found[-1][1]:].strip():
                found[-1] = (found[-1][0], len(buffer))  # never lose trailing text the splitter skipped
            for start, end in found:
                sentence = buffer[start:end].strip()
                if sentence:
                    yield sentence
    finally:
        close = getattr(pieces, "close", None)
        if close is not None:
            close()


def join_sentences(sentences: Iterable[str]) -> str:
    return " ".join(s for s in sentences if s)
