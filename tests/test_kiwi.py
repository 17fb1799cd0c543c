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
