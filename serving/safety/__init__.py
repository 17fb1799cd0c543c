"""Safety stage: crisis assessment of user messages and checks on replies.

    from serving.safety import assess, check_reply, CRISIS_REPLY

    result = assess("요즘 너무 힘들어서 사라지고 싶어")
    result.level      # "crisis"
    result.reasons    # ["ideation.indirect: 사라지고싶"]

`assess(text, context)` runs the rules, the fail-safe and the semantic layer (message and
conversation window); learned layers can raise the level but never lower it, and a crisis
carries a `path` naming its fixed reply (`crisis_reply_for`). See docs/safety.md.

Names are loaded on first use so that `maeum --help` (which imports `serving.safety.cli`)
does not pay for pydantic and the compiled rules.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

_EXPORTS = {
    "assess": "serving.safety.assessor",
    "SafetyAssessor": "serving.safety.assessor",
    "Classifier": "serving.safety.assessor",
    "warm_up": "serving.safety.assessor",
    "SafetyAssessment": "serving.safety.models",
    "OutputCheck": "serving.safety.models",
    "Level": "serving.safety.models",
    "LEVELS": "serving.safety.models",
    "check_reply": "serving.safety.output_check",
    "CRISIS_REPLY": "serving.safety.resources",
    "CONCERN_ADDENDUM": "serving.safety.resources",
    "CARE_CHECK_IN": "serving.safety.resources",
    "INGESTION_REPLY": "serving.safety.resources",
    "OTHER_DANGER_REPLY": "serving.safety.resources",
    "ABUSE_REPLY": "serving.safety.resources",
    "FIXED_TEXTS": "serving.safety.resources",
    "crisis_reply_for": "serving.safety.resources",
    "HELP_BANNER": "serving.safety.resources",
    "HOTLINES": "serving.safety.resources",
    "SAFE_FALLBACK_REPLY": "serving.safety.resources",
    "Hotline": "serving.safety.resources",
    "reply_for_level": "serving.safety.resources",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # pragma: no cover
    from serving.safety.assessor import Classifier, SafetyAssessor, assess, warm_up
    from serving.safety.models import LEVELS, Level, OutputCheck, SafetyAssessment
    from serving.safety.output_check import check_reply
    from serving.safety.resources import (
        ABUSE_REPLY,
        CARE_CHECK_IN,
        CONCERN_ADDENDUM,
        CRISIS_REPLY,
        FIXED_TEXTS,
        INGESTION_REPLY,
        OTHER_DANGER_REPLY,
        HELP_BANNER,
        HOTLINES,
        SAFE_FALLBACK_REPLY,
        Hotline,
        crisis_reply_for,
        reply_for_level,
    )


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'serving.safety' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
