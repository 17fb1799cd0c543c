"""Our emotion labels, the result type, and mapping from other models' labels to ours.

The seven labels follow the six 대분류 of AI Hub's 감성대화 corpus (기쁨, 슬픔, 불안, 분노, 상처,
당황) plus 중립 for messages with no clear feeling.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field

EMOTIONS: tuple[str, ...] = ("기쁨", "슬픔", "불안", "분노", "상처", "당황", "중립")


class EmotionResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    label: str
    score: float = Field(ge=0.0, le=1.0)


# nlp04/korean_sentiment_analysis_kcelectra (11 classes) -> ours. It has no 상처/당황 class.
KCELECTRA_LABEL_MAP: dict[str, str] = {
    "기쁨(행복한)": "기쁨",
    "고마운": "기쁨",
    "설레는(기대하는)": "기쁨",
    "사랑하는": "기쁨",
    "즐거운(신나는)": "기쁨",
    "일상적인": "중립",
    "생각이 많은": "중립",
    "슬픔(우울한)": "슬픔",
    "힘듦(지침)": "슬픔",
    "짜증남": "분노",
    "걱정스러운(불안한)": "불안",
}

# Fallback by keyword, for models whose label names we have not listed (Korean or English).
_KEYWORDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (label, re.compile(pattern, re.IGNORECASE))
    for label, pattern in (
        ("상처", r"상처|heartache|hurt|betray|배신"),
        ("당황", r"당황|놀람|놀란|혼란|embarrass|surpris|confus"),
        ("불안", r"불안|걱정|두려|공포|무서|anx|fear|worr|scare|nervous"),
        ("분노", r"분노|화남|짜증|anger|angry|annoy|irritat|rage"),
        ("슬픔", r"슬픔|우울|힘듦|지침|외로|sad|sorrow|depress|grief|lonel"),
        ("기쁨", r"기쁨|행복|고마|설레|사랑|즐거|신나|joy|happ|love|grat|excit|positive"),
        ("중립", r"중립|일상|평온|neutral|calm|none|other"),
    )
)


def map_external_label(label: str, label_map: Mapping[str, str] | None = None) -> str | None:
    """Our label for a label of another model, or None when it has no counterpart.

    An explicit `label_map` wins, then the kcelectra table, then keywords in the name.
    Generic names such as "LABEL_3" never match: pass a `label_map` for those models.
    """
    for table in (label_map or {}, KCELECTRA_LABEL_MAP):
        if label in table:
            mapped = table[label]
            if mapped not in EMOTIONS:
                raise ValueError(f"label map sends {label!r} to {mapped!r}, which is not one of {EMOTIONS}")
            return mapped
    for ours, pattern in _KEYWORDS:
        if pattern.search(label):
            return ours
    return None
