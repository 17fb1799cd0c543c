"""Turn a raw message into sentences with spacing-free, typo- and slang-normalised views.

Rules match on *compact* strings (no spaces, no punctuation), so "죽고싶다", "죽고 싶다" and
"죽 고 싶 다" look the same. Each sentence has two compact views:

- `compact`: the message text itself, with obfuscation removed ("자1살" -> "자살"), split jamo
  recomposed ("싶ㄷㅏ" -> "싶다") and a small table of slang/typo spellings mapped to standard
  ones ("주거버리고" -> "죽어버리고", "디지고 싶다" -> "죽고싶다");
- `lemma_compact`: Kiwi's typo-corrected analysis joined back into text, which catches
  misspellings the table does not know.

Kiwi also gives the sentence boundaries and the morphemes used to tell who the subject is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from serving.kiwi import get_kiwi

# Kiwi's typo model: common Korean misspellings plus merged/continual typing errors.
KIWI_TYPOS = "basic_with_continual"

# Zero-width, bidi controls and other invisible characters that can hide a word's letters.
_ZERO_WIDTH = re.compile(r"[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e"
                         r"\u2060-\u2069\u3164\ufe00-\ufe0f\ufeff\uffa0]")
# Cyrillic and Greek letters that look like Latin ones ("kмs"); Latin is mapped on below.
_HOMOGLYPHS = str.maketrans({
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ո": "n",
    "α": "a", "ο": "o", "ι": "i", "κ": "k", "ν": "v", "ρ": "p", "τ": "t", "υ": "u",
})
# Hanja and Japanese spellings of the words that matter (自殺 = 자살).
_HANJA = (("自殺", "자살"), ("自杀", "자살"), ("自害", "자해"), ("自傷", "자해"), ("死にたい", "죽고 싶다"),
          ("死亡", "사망"), ("殺す", "죽이다"))
_NOT_KEPT = re.compile(r"[^0-9a-z가-힣ㄱ-ㅎㅏ-ㅣ?]")
_REPEATED_LAUGH = re.compile(r"([ㅋㅎㅠㅜ])\1+")
# A digit or symbol typed inside a keyword to dodge filters: 자1살, 자.살, 죽_고.
_OBFUSCATION = re.compile(r"(?<=자)[^가-힣ㄱ-ㅎㅏ-ㅣ\s]{1,3}(?=[살해])|(?<=죽)[^가-힣ㄱ-ㅎㅏ-ㅣ\s]{1,3}(?=[고을어음])"
                          r"|(?<=뛰)[^가-힣ㄱ-ㅎㅏ-ㅣ\s]{1,3}(?=어)|(?<=목)[^가-힣ㄱ-ㅎㅏ-ㅣ\s]{1,3}(?=[매맬])"
                          r"|(?<=유)[^가-힣ㄱ-ㅎㅏ-ㅣ\s]{1,3}(?=서)|(?<=사)[^가-힣ㄱ-ㅎㅏ-ㅣ\s]{1,3}(?=라지)")
# A keyword typed one syllable at a time: "자 살 하 고 싶 다".
_SPACED_SYLLABLES = re.compile(r"(?<![가-힣])[가-힣](?: [가-힣]){2,}(?![가-힣])")

_CHOSEONG = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_JUNGSEONG = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_JONGSEONG = "ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"
# A syllable typed as jamo, with its final when no vowel follows: ㅈㅏㅅㅏㄹ -> 자살.
_SPLIT_JAMO = re.compile(f"([{_CHOSEONG}])([{_JUNGSEONG}])(?:([{_JONGSEONG}])(?![{_JUNGSEONG}]))?")
# A final typed separately after an open syllable (NFKC composes ㅈㅏ but leaves the ㄹ of ㅅㅏㄹ):
# 주ㄱ고 -> 죽고, 자사ㄹ -> 자살. Not before another jamo (ㅋㅋ, ㅇㅇ stay as they are).
_LOOSE_FINAL = re.compile(f"([가-힣])([ㄱㄲㄴㄷㄹㅁㅂㅅㅆㅇㅈㅊㅌㅍ])(?![ㄱ-ㅎㅏ-ㅣ])")
# Latin letters standing in for a vowel after a consonant jamo: ㅈr살 (r = ㅏ), ㅅl발 (l = ㅣ).
_LATIN_VOWEL = re.compile(f"(?<=[{_CHOSEONG}])([rliI|1])")
_LATIN_VOWELS = {"r": "ㅏ", "l": "ㅣ", "i": "ㅣ", "I": "ㅣ", "|": "ㅣ", "1": "ㅣ"}
# NFKC turns compatibility jamo (ㅋ, U+314B) into conjoining jamo (U+110F); map them back.
_CONJOINING_TO_COMPAT = str.maketrans(
    {**{chr(0x1100 + i): c for i, c in enumerate(_CHOSEONG)},
     **{chr(0x1161 + i): c for i, c in enumerate(_JUNGSEONG)},
     **{chr(0x11A8 + i): c for i, c in enumerate(_JONGSEONG)}}
)



def _table(*pairs: tuple[str, str]) -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(pattern), replacement) for pattern, replacement in pairs)


# Slang and frequent misspellings of the words that matter, on compact text. Ordered.
_SPELLING_TABLE = _table(
    (r"쥭", "죽"),
    # Dialect "-어 버리다" (경상 삐/뿌/뿔, 전라 불) and "-고 잡다" (= 싶다); a "디져/뒤져" before them.
    (r"(?:디져|뒤져|뒈져|디저|뒤저)(?=삐|뿌|뿔|삘|불|블)", "죽어"),
    (r"죽어(?:삐|뿌|뿌리|불|뿔|블)(?=까|꺼나|끄나|카)", "죽어버릴"),
    (r"죽어(?:불|블)(?=랑께|란다|라네|래|끼|기다|거)", "죽어버릴"),
    (r"죽어(?:불|블)(?=고싶|고파|고잡|고만싶|라|란다|랑께|것다|야겠|야쓰)", "죽어버리"),
    (r"(죽고|버리고|사라지고|없어지고|끝내고|그만하고)(?:잡|자프|자퍼|잡퍼|접)(?=다|아|어|네|은|구|당|제|소|데|능|는|퍼|프|$)", r"\1싶"),
    (r"(?<=죽)고정(?=하|허|해|헌)", "고싶"),
    (r"자[샬쌀]", "자살"),
    (r"죽어(?:삘|뿔|삐릴|뿌릴)", "죽어버릴"),
    (r"죽어(?:삐|뿌|뿌리)(?=고싶|라|까)", "죽어버리"),
    (r"믄(?=[가-힣]|$)", "면"),
    (r"낀데", "건데"),
    (r"주거(?=버리|버릴|버려|벌|야지|야겠)", "죽어"),
    (r"주글(?=래|거|꺼|까|게)", "죽을"),
    (r"(?:죽구|주꼬|죽꼬|쥬꼬)(?=싶|시)", "죽고"),
    (r"(?<=고)(?:시퍼|시포|십어|싶퍼|시프|시펑|시펏)", "싶어"),
    (r"(?<=고)(?:십다|싶따|십따)", "싶다"),
    (r"(?<=살기)(?:시러|실어|시르)", "싫어"),
    (r"(?:디지|뒤지|뒈지)(?=고싶|고파|고말)", "죽"),
    (r"(?:디져|뒤져|뒈져|디저|뒤저)(?=버리|버릴|버려|야)", "죽어"),
    (r"(?:디질|뒤질|뒈질)(?=래|거|까)", "죽을"),
    (r"ㅈㄱㅅㄷ", "죽고싶다"),
    (r"ㅈㄱㅅㅇ", "죽고싶어"),
    (r"ㅈㅅ(?=하고싶|하고파|할까|하려|할래|각|충동|생각)", "자살"),
    (r"ㅈㅎ(?=하고싶|하고파|충동|했|하려)", "자해"),
    (r"(?<=자살|자해)(?:하구|하궁)(?=싶)", "하고"),
)


# Romanised Korean and English internet slang, on spaced lower-case text (rules' word guards
# read the spaced text, so the Korean word has to appear there too).
_ROMANISED = _table(
    (r"\b(?:jasal|jasar|jaseol)(?:hal|hago|ha)?\b", "자살"),
    (r"\bjahae\b", "자해"),
    (r"\b(?:jukgo|jukko|jugo|chukgo)\s*(?:sipda|sipeo|sipo|shipda|shipeo|sippeo|sipd)\b", "죽고 싶다"),
    (r"\b(?:kms|kys)\b", "죽고 싶다"),
    (r"\b(?:i\s*)?(?:want|wanna|gonna|will|going\s*to)?\s*(?:to\s*)?(?:unalive|unaliving)\s*(?:myself|meself|me)?\b",
     "자살하고 싶다"),
    (r"\b(?:i\s*)?(?:want\s*to|wanna)\s*die\b|\bwish\s*i\s*(?:was|were)\s*dead\b", "죽고 싶다"),
    (r"\b(?:kill\s*myself|end\s*my\s*life|end(?:ing)?\s*it\s*all)\b", "자살하고 싶다"),
    (r"(?:\b|(?<=[가-힣]))(?:die|dead)\s*(?=하고|하구|할래|할까|하려|해버리|하면|했으면)", "죽"),
    (r"(?<=죽)하(?=고|구)", ""),
    (r"(?<=죽)할(?=래|까)", "을"),
)
# A separator typed inside a word: 자.살, 죽-고, 자_해 (between two syllables, no space).
_INNER_SEPARATOR = re.compile(r"(?<=[가-힣])[.\-_*/~·•,+=^|'\"`]{1,3}(?=[가-힣])")


@dataclass(frozen=True)
class Sentence:
    text: str
    compact: str
    lemma_compact: str
    tokens: tuple[tuple[str, str], ...]  # (form, tag) from Kiwi's typo-corrected analysis

    @property
    def views(self) -> tuple[str, ...]:
        """The distinct compact strings rules should look at."""
        if self.lemma_compact == self.compact:
            return (self.compact,)
        return (self.compact, self.lemma_compact)


@dataclass(frozen=True)
class NormalisedText:
    raw: str
    clean: str
    sentences: tuple[Sentence, ...]

    @property
    def compact(self) -> str:
        return "".join(s.compact for s in self.sentences)


def clean_text(text: str) -> str:
    """Unicode-normalised, lower-cased text with dodges undone; spaces are kept."""
    for hanja, hangul in _HANJA:
        text = text.replace(hanja, hangul)
    text = unicodedata.normalize("NFKC", text).translate(_CONJOINING_TO_COMPAT)
    text = _ZERO_WIDTH.sub("", text)
    text = _LATIN_VOWEL.sub(lambda m: _LATIN_VOWELS[m.group(1)], text).lower().translate(_HOMOGLYPHS)
    text = _SPACED_SYLLABLES.sub(lambda m: m.group(0).replace(" ", ""), text)
    text = _LOOSE_FINAL.sub(_attach_final, _SPLIT_JAMO.sub(_compose, text))
    text = _OBFUSCATION.sub("", _INNER_SEPARATOR.sub("", text))
    for pattern, replacement in _ROMANISED:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())


def compact_text(text: str) -> str:
    """Spacing-free, punctuation-free text with jamo recomposed and slang spellings mapped."""
    text = _OBFUSCATION.sub("", "".join(text.lower().split()))
    text = _NOT_KEPT.sub("", text)
    text = _SPLIT_JAMO.sub(_compose, text)
    text = _LOOSE_FINAL.sub(_attach_final, text)
    text = _REPEATED_LAUGH.sub(r"\1\1", text)
    for pattern, replacement in _SPELLING_TABLE:
        text = pattern.sub(replacement, text)
    return text


def _compose(match: re.Match[str]) -> str:
    lead = _CHOSEONG.index(match.group(1))
    vowel = _JUNGSEONG.index(match.group(2))
    final = _JONGSEONG.index(match.group(3)) + 1 if match.group(3) else 0
    return chr(0xAC00 + (lead * 21 + vowel) * 28 + final)


def _attach_final(match: re.Match[str]) -> str:
    syllable, final = match.group(1), match.group(2)
    offset = ord(syllable) - 0xAC00
    if offset % 28:  # already has a final: leave the jamo alone
        return match.group(0)
    return chr(ord(syllable) + _JONGSEONG.index(final) + 1)


def normalise(text: str, typos: str | None = KIWI_TYPOS) -> NormalisedText:
    """Split `text` into sentences and build the views rules match on.

    `typos` is Kiwi's typo model (None: off; about twice as fast, relying on the table above).
    Remembered for the last few hundred texts: a message is read again as part of the
    conversation window on the next turns, and Kiwi is most of the rules' cost.
    """
    return _normalise(text, typos)


def joined(parts: Sequence[NormalisedText]) -> NormalisedText:
    """Several messages read as one text (oldest first), each message's sentences as they were:
    the conversation window without a second Kiwi pass. A sentence never runs across messages."""
    return NormalisedText(raw="\n".join(p.raw for p in parts), clean="\n".join(p.clean for p in parts),
                          sentences=tuple(s for p in parts for s in p.sentences))


@lru_cache(maxsize=512)
def _normalise(text: str, typos: str | None) -> NormalisedText:
    clean = clean_text(text)
    if not clean:
        return NormalisedText(raw=text, clean=clean, sentences=())
    kiwi = get_kiwi()
    sentences = []
    for tokens in kiwi.tokenize(clean, typos=typos, split_sents=True):
        if not tokens:
            continue
        start = tokens[0].start
        end = tokens[-1].start + tokens[-1].len
        surface = clean[start:end]
        joined = kiwi.join([(t.form, t.tag) for t in tokens])
        sentences.append(Sentence(
            text=surface,
            compact=compact_text(surface),
            lemma_compact=compact_text(joined),
            tokens=tuple((t.form, t.tag) for t in tokens),
        ))
    sentences = _merge_fragments(sentences)
    if not sentences:  # only symbols Kiwi drops: still give the rules something to read
        sentences.append(Sentence(text=clean, compact=compact_text(clean), lemma_compact=compact_text(clean), tokens=()))
    return NormalisedText(raw=text, clean=clean, sentences=tuple(sentences))


# A trailing word Kiwi splits off ("…떠날 거야. 영원히") belongs to the sentence before it.
_FRAGMENT_CHARS = 4


def _merge_fragments(sentences: list[Sentence]) -> list[Sentence]:
    merged: list[Sentence] = []
    for sentence in sentences:
        if merged and len(sentence.compact) <= _FRAGMENT_CHARS:
            last = merged[-1]
            merged[-1] = Sentence(
                text=f"{last.text} {sentence.text}",
                compact=last.compact + sentence.compact,
                lemma_compact=last.lemma_compact + sentence.lemma_compact,
                tokens=last.tokens + sentence.tokens,
            )
        else:
            merged.append(sentence)
    return merged
