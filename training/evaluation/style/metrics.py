"""Style-transfer metrics on *generated* text (never teacher-forced logits).

- content preservation: chrF and BLEU (sacrebleu), corpus level, against the reference and
  against the source; sentence chrF for the per-sentence aggregate;
- fluency: perplexity of each output under a causal LM (optional);
- J: per sentence, style (1 if the classifier says the target style, else 0) × content
  similarity (sentence chrF against the reference / 100) × fluency (when an LM is given:
  min(1, ppl(reference) / ppl(output)), i.e. 1 for an output at least as fluent as the human
  reference), averaged over sentences (after Krishna et al., 2020).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from sacrebleu.metrics import BLEU, CHRF

# 13a word tokenisation: Korean words are space separated; chrF covers the character level.
_BLEU = BLEU(tokenize="13a")
_SENT_BLEU = BLEU(tokenize="13a", effective_order=True)
_CHRF = CHRF()


def corpus_chrf(hyps: Sequence[str], refs: Sequence[str]) -> float:
    return float(_CHRF.corpus_score(list(hyps), [list(refs)]).score) if hyps else float("nan")


def corpus_bleu(hyps: Sequence[str], refs: Sequence[str]) -> float:
    return float(_BLEU.corpus_score(list(hyps), [list(refs)]).score) if hyps else float("nan")


def sentence_chrf(hyp: str, ref: str) -> float:
    return float(_CHRF.sentence_score(hyp, [ref]).score)


def sentence_bleu(hyp: str, ref: str) -> float:
    return float(_SENT_BLEU.sentence_score(hyp, [ref]).score)


def signatures() -> dict[str, str]:
    return {"bleu": str(_BLEU.get_signature()), "chrf": str(_CHRF.get_signature())}


class Perplexity:
    """Per-sentence perplexity under a causal LM (a path, or a model + tokenizer pair)."""

    def __init__(self, model_path: str | None = None, *, model=None, tokenizer=None, batch_size: int = 16,
                 max_length: int = 256, device: str | None = None):
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        if model is None:
            tokenizer = AutoTokenizer.from_pretrained(model_path)
            model = AutoModelForCausalLM.from_pretrained(model_path)
        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        self.model = model.to(self.device).eval()
        self.tokenizer = tokenizer
        self.batch_size = batch_size
        self.max_length = max_length
        self.name = str(model_path or getattr(model, "name_or_path", "model"))

    def __call__(self, texts: Sequence[str]) -> list[float]:
        import torch

        tok = self.tokenizer
        bos = [tok.bos_token_id] if tok.bos_token_id is not None else []
        pad = tok.pad_token_id if tok.pad_token_id is not None else 0
        out: list[float] = []
        for start in range(0, len(texts), self.batch_size):
            chunk = texts[start:start + self.batch_size]
            seqs = [bos + tok(t, add_special_tokens=False, truncation=True, max_length=self.max_length)["input_ids"]
                    for t in chunk]
            width = max(len(s) for s in seqs)
            ids = torch.full((len(seqs), width), pad, dtype=torch.long)
            mask = torch.zeros((len(seqs), width), dtype=torch.long)
            for i, s in enumerate(seqs):
                ids[i, : len(s)] = torch.tensor(s)
                mask[i, : len(s)] = 1
            ids, mask = ids.to(self.device), mask.to(self.device)
            with torch.no_grad():
                logits = self.model(input_ids=ids, attention_mask=mask).logits.float()
            logp = torch.log_softmax(logits[:, :-1], dim=-1)
            target = ids[:, 1:]
            nll = -logp.gather(-1, target.unsqueeze(-1)).squeeze(-1)
            tmask = mask[:, 1:].float()
            for i in range(len(seqs)):
                n = tmask[i].sum().item()
                out.append(math.exp((nll[i] * tmask[i]).sum().item() / n) if n else float("nan"))
        return out


def fluency_factor(ppl_output: float, ppl_reference: float) -> float:
    """1 for an output at least as fluent as the reference, falling as its perplexity grows."""
    if not (math.isfinite(ppl_output) and math.isfinite(ppl_reference)) or ppl_output <= 0:
        return 0.0
    return min(1.0, ppl_reference / ppl_output)


def j_score(style_ok: bool, similarity: float, fluency: float | None = None) -> float:
    """One sentence's aggregate: style (0/1) × similarity (0..1) × fluency (0..1, if measured)."""
    value = (1.0 if style_ok else 0.0) * max(0.0, min(1.0, similarity))
    if fluency is not None:
        value *= fluency
    return value


def mean(values: Sequence[float]) -> float:
    values = [v for v in values if v is not None and not math.isnan(v)]
    return float(sum(values) / len(values)) if values else float("nan")
