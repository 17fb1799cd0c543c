"""`TransformersEmotionClassifier` with a tiny text-classification model built on the spot."""

from __future__ import annotations

import math

import pytest

from maeum.errors import MaeumError
from serving.emotion import EMOTIONS, TransformersEmotionClassifier
from serving.emotion.labels import KCELECTRA_LABEL_MAP


def _tiny_classifier(path, labels: list[str], probabilities: dict[str, float]):
    """A 1-layer BERT whose output is fixed by the classifier bias (weights zeroed)."""
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import BertConfig, BertForSequenceClassification, PreTrainedTokenizerFast

    vocab = {token: i for i, token in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "오늘", "너무", "떨려"])}
    backend = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    backend.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, unk_token="[UNK]", pad_token="[PAD]",
                                        cls_token="[CLS]", sep_token="[SEP]")
    config = BertConfig(vocab_size=len(vocab), hidden_size=8, num_hidden_layers=1, num_attention_heads=1,
                        intermediate_size=16, max_position_embeddings=32, num_labels=len(labels),
                        id2label=dict(enumerate(labels)), label2id={label: i for i, label in enumerate(labels)})
    torch.manual_seed(0)
    model = BertForSequenceClassification(config)
    with torch.no_grad():
        model.classifier.weight.zero_()
        model.classifier.bias.copy_(torch.tensor([math.log(probabilities.get(label, 1e-4)) for label in labels]))
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def kcelectra_like(tmp_path_factory):
    labels = list(KCELECTRA_LABEL_MAP)  # the 11 labels of nlp04/korean_sentiment_analysis_kcelectra
    probabilities = {"기쁨(행복한)": 0.3, "고마운": 0.3, "짜증남": 0.39}
    return _tiny_classifier(tmp_path_factory.mktemp("kcelectra_like"), labels, probabilities)


def test_loads_through_a_pipeline_and_maps_labels(kcelectra_like):
    classifier = TransformersEmotionClassifier(str(kcelectra_like))
    result = classifier.classify("오늘 너무 떨려")
    # 짜증남 (0.39) is the model's top label, but 기쁨(행복한) + 고마운 (0.6) both map to 기쁨.
    assert result.label == "기쁨"
    assert result.score == pytest.approx(0.6, abs=0.01)
    assert set(classifier.mapping.values()) <= set(EMOTIONS)
    assert classifier.mapping["걱정스러운(불안한)"] == "불안"


def test_generic_label_names_need_a_label_map(tmp_path):
    path = _tiny_classifier(tmp_path / "generic", ["LABEL_0", "LABEL_1"], {"LABEL_1": 0.9})
    with pytest.raises(MaeumError, match="label_map"):
        TransformersEmotionClassifier(str(path)).classify("오늘")
    mapped = TransformersEmotionClassifier(str(path), label_map={"LABEL_0": "기쁨", "LABEL_1": "불안"})
    assert mapped.classify("오늘 너무 떨려").label == "불안"


def test_missing_model_is_a_user_error(tmp_path):
    with pytest.raises(MaeumError, match="cannot load emotion model"):
        TransformersEmotionClassifier(str(tmp_path / "nowhere")).classify("오늘")
