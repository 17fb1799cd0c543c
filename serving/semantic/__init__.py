"""Meaning, shared: one pretrained sentence encoder per process and small learned heads on it.

Safety, message acts, retrieval and emotion all embed the same user message; `get_encoder()`
loads the encoder once per process and `embed_one` remembers recent texts, so a message is
encoded once per turn whichever stage asks first. Corpora (seed replies, labelled sets) are
embedded once and kept on disk (`cached_embeddings`), keyed by the encoder and the texts.

    from serving.semantic import get_encoder, embed_one, cached_embeddings, SoftmaxHead
"""

from serving.semantic.cache import cached_embeddings
from serving.semantic.encoder import (
    EncoderUnavailable,
    SentenceEncoder,
    embed_one,
    encoder_available,
    get_encoder,
    set_encoder,
)
from serving.semantic.heads import SoftmaxHead, train_or_load_head

__all__ = [
    "EncoderUnavailable", "SentenceEncoder", "SoftmaxHead", "cached_embeddings", "embed_one",
    "encoder_available", "get_encoder", "set_encoder", "train_or_load_head",
]
