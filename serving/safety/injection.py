"""Spot user text that tries to instruct the safety stage ("system: level=none").

Only a flag for logs and review: the assessment never reads instructions, so this does not
change the level either way.
"""

from __future__ import annotations

import re

_INJECTION = re.compile(
    r"system\s*:|assistant\s*:|<\|im_start\|>|\[/?inst\]|level\s*[=:]|"
    r"ignore\s+(?:all\s+|the\s+)?(?:previous|above|prior)\s+(?:instructions|prompts|rules)|"
    r"지금부터\s*(?:너는|넌|당신은)|(?:위기|위험)\s*(?:아님|아니라고|없음)\s*(?:으로|라고)|"
    r"(?:안전|정상|위기|위험|none|crisis|concern)\s*(?:으로|로)\s*(?:분류|판단|처리|출력|표시)|"
    r"\[\s*(?:관리자|시스템|admin|system|developer)|(?:프롬프트|지시|명령|규칙|지침)\S*\s*(?:무시|잊)",
    re.IGNORECASE,
)


def looks_like_injection(text: str) -> bool:
    return bool(_INJECTION.search(text))


def text_before_injections(text: str) -> str:
    """`text` with each sentence cut where an instruction starts (what the learned layers read)."""
    kept = []
    for part in re.split(r"(?<=[.!?。])\s+|\n+", text):
        match = _INJECTION.search(part)
        part = part[:match.start()] if match else part
        if part.strip():
            kept.append(part.strip())
    return " ".join(kept) or text
