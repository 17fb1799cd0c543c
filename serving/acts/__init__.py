"""Message acts (greeting, farewell, small_talk, bot_question, good_news, venting, advice, info).

    from serving.acts import classify_act
    classify_act("너는 누구야?")   # ActResult(act="bot_question", score=1.0, source="rule")

Safety levels are not acts: they come from the safety stage (TurnContext.safety).
"""

from serving.acts.classifier import ActClassifier, classify_act
from serving.acts.labels import ACTS, ActResult

__all__ = ["ACTS", "ActClassifier", "ActResult", "classify_act"]
