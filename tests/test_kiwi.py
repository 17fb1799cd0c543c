"""The shared Kiwi analyser: built once, ready before the first message, no multi-word dictionary."""

from __future__ import annotations

from serving.kiwi import get_kiwi


def test_kiwi_is_shared_and_already_built():
    kiwi = get_kiwi()
    assert get_kiwi() is kiwi
    assert [(t.form, t.tag) for t in kiwi.tokenize("잠이 안 와요")][:2] == [("잠", "NNG"), ("이", "JKS")]


def test_two_common_nouns_stay_common_nouns():
    # the multi-word dictionary (2.8 s of CPU per start) read "숏컷" as one proper noun
    tokens = [(t.form, t.tag) for t in get_kiwi().tokenize("숏컷 해볼까?")]
    assert ("숏", "NNG") in tokens and ("컷", "NNG") in tokens
    assert not any(tag == "NNP" for _, tag in tokens)


def test_one_analysis_per_text_and_options_shared_by_the_stages():
    kiwi = get_kiwi()
    text = "오늘은 비가 와서 마음이 조금 가라앉아요."
    hits, misses = kiwi.hits, kiwi.misses
    first = kiwi.tokenize(text)
    again = kiwi.tokenize(text)
    assert (kiwi.hits - hits, kiwi.misses - misses) == (1, 1)
    assert again == first and again is not first  # each caller gets its own list
    again.clear()
    assert kiwi.tokenize(text) == first  # a caller's change does not reach the memo
    # other options are another analysis, the same as Kiwi's own
    assert [_plain(s) for s in kiwi.tokenize(text, split_sents=True)] == \
        [_plain(s) for s in kiwi._kiwi.tokenize(text, split_sents=True)]
    assert [s.text for s in kiwi.split_into_sents(text)] == [s.text for s in kiwi._kiwi.split_into_sents(text)]
    # batches go straight to Kiwi
    assert [_plain(r) for r in kiwi.tokenize([text, text])] == [_plain(first)] * 2


def _plain(tokens):
    return [(t.form, t.tag, t.start, t.len) for t in tokens]


def test_the_memo_is_bounded():
    from serving.kiwi import SharedKiwi

    small = SharedKiwi(get_kiwi()._kiwi, size=3)
    for n in range(10):
        small.tokenize(f"{n}번째 문장이에요.")
    assert len(small._memo) == 3
    small.tokenize("9번째 문장이에요.")
    assert small.hits == 1
