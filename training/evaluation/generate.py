"""`maeum eval generate`: replies of every stage to one fixed prompt set, with simple checks.

Prompts are rendered with `maeum.chat_format.render_for_generation` (the serving path) and
generation stops at the format's end token or stop strings. Each reply gets cheap, transparent
counselling checks; they flag replies to read, they do not score quality:

- ``asks_question``: contains a question mark (the seed data asks exactly one open question);
- ``length_ok``: 20-400 characters and 1-6 sentences (the system prompt asks for 2-4 sentences);
- ``repetitive``: a sentence repeated, or under 60% distinct word 3-grams;
- ``diagnosis_words``: disorder labels or medication words the system prompt forbids.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

from maeum.chat_format import COUNSELLOR_SYSTEM_PROMPT, get_format, render_for_generation
from maeum.errors import ConfigError, DataError

from .stages import load_stages, use_stage

logger = logging.getLogger(__name__)

PROMPTS_FILE = Path(__file__).with_name("prompts.yaml")

DIAGNOSIS_WORDS = (
    "우울증", "우울장애", "불안장애", "공황장애", "공황 장애", "조울증", "양극성", "경계성", "인격장애", "성격장애",
    "ADHD", "adhd", "주의력결핍", "강박증", "강박장애", "PTSD", "외상후", "조현병", "정신병", "섭식장애", "거식증",
    "폭식증", "불면증", "진단", "장애가 있", "항우울제", "수면제", "신경안정제", "처방", "복용", "용량", "mg",
)
_SENTENCE_END = re.compile(r"(?<=[.!?。？！…])\s+|\n+")


def load_prompts(path: str | None) -> list[dict]:
    if path is None:
        import yaml

        prompts = yaml.safe_load(PROMPTS_FILE.read_text(encoding="utf-8"))
    else:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(f"--prompts {path}: no such file")
        prompts = []
        for line_no, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                prompts.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise DataError(f"{p}, line {line_no}: invalid JSON ({exc.msg})") from None
    for i, prompt in enumerate(prompts, start=1):
        if not isinstance(prompt, dict) or not isinstance(prompt.get("messages"), list):
            raise DataError(f"prompt {i}: expected an object with a `messages` list")
        prompt.setdefault("id", f"prompt-{i}")
    return prompts


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]


def counselling_checks(reply: str) -> dict:
    text = reply.strip()
    sents = sentences(text)
    words = text.split()
    trigrams = [tuple(words[i:i + 3]) for i in range(len(words) - 2)]
    distinct = len(set(trigrams)) / len(trigrams) if trigrams else 1.0
    repeated_sentence = len(sents) != len(set(sents))
    found = sorted({w for w in DIAGNOSIS_WORDS if w in text})
    checks = {
        "chars": len(text),
        "sentences": len(sents),
        "asks_question": "?" in text or "？" in text,
        "length_ok": 20 <= len(text) <= 400 and 1 <= len(sents) <= 6,
        "repetitive": repeated_sentence or distinct < 0.6,
        "distinct_3grams": round(distinct, 3),
        "diagnosis_words": found,
    }
    checks["ok"] = checks["asks_question"] and checks["length_ok"] and not checks["repetitive"] and not found
    return checks


def _cut_at_stop(text: str, stops: tuple[str, ...]) -> str:
    cut = len(text)
    for stop in stops:
        at = text.find(stop)
        if at != -1:
            cut = min(cut, at)
    return text[:cut].strip()


def reply_to(net, tokenizer, fmt: str, messages: list[dict], system_prompt: str | None,
             gen_kwargs: dict) -> tuple[str, int]:
    """One reply in the serving chat format, cut at the format's stop strings: (text, new tokens)."""
    import torch

    rendered = render_for_generation(messages, tokenizer, fmt, system_prompt=system_prompt)
    ids = torch.tensor([rendered.input_ids], device=next(net.parameters()).device)
    with torch.no_grad():
        out = net.generate(input_ids=ids, attention_mask=torch.ones_like(ids), **gen_kwargs)
    new = out[0, ids.shape[1]:]
    reply = _cut_at_stop(tokenizer.decode(new, skip_special_tokens=False), get_format(fmt).stop_strings)
    for special in tokenizer.all_special_tokens:
        reply = reply.replace(special, "").strip()
    return reply, int(new.numel())


def sample_replies(net, tokenizer, fmt: str, system_prompt: str | None, count: int,
                   max_new_tokens: int = 96) -> list[dict]:
    """Greedy replies of `net` to the first `count` fixed prompts (the run card's samples)."""
    gen_kwargs = dict(max_new_tokens=max_new_tokens, do_sample=False,
                      eos_token_id=net.generation_config.eos_token_id, pad_token_id=tokenizer.pad_token_id)
    rows = []
    for prompt in load_prompts(None)[:count]:
        reply, new_tokens = reply_to(net, tokenizer, fmt, prompt["messages"], system_prompt, gen_kwargs)
        rows.append({"prompt_id": prompt["id"], "user": prompt["messages"][-1]["content"], "reply": reply,
                     "new_tokens": new_tokens})
    return rows


def generate_replies(*, model: str, adapters: list[str], prompts: str | None, output: str,
                     chat_format: str | None = None, include_base: bool = True, max_new_tokens: int = 200,
                     sample: bool = False, seed: int = 0, load_in_4bit: bool = False,
                     system_prompt: str | None = COUNSELLOR_SYSTEM_PROMPT) -> dict:
    """Write one JSONL row per (stage, prompt); return a per-stage summary of the checks."""
    import torch

    prompt_set = load_prompts(prompts)
    net, tokenizer, fmt, stages = load_stages(model, adapters, chat_format=chat_format, include_base=include_base,
                                              load_in_4bit=load_in_4bit)
    gen_kwargs = dict(max_new_tokens=max_new_tokens, do_sample=sample, eos_token_id=net.generation_config.eos_token_id,
                      pad_token_id=tokenizer.pad_token_id)
    if sample:
        gen_kwargs.update(temperature=0.7, top_p=0.9)
    out_path = Path(output)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    summary: dict[str, dict] = {}
    with out_path.open("w", encoding="utf-8") as fh:
        for stage in stages:
            rows = []
            with use_stage(net, stage):
                for prompt in prompt_set:
                    torch.manual_seed(seed)
                    reply, new_tokens = reply_to(net, tokenizer, fmt, prompt["messages"], system_prompt, gen_kwargs)
                    row = {"stage": stage.name, "adapter": stage.path, "prompt_id": prompt["id"],
                           "topic": prompt.get("topic"), "messages": prompt["messages"], "reply": reply,
                           "new_tokens": new_tokens, "checks": counselling_checks(reply)}
                    fh.write(json.dumps(row, ensure_ascii=False) + "\n")
                    rows.append(row)
            summary[stage.name] = _summarize(rows)
    return summary


def _summarize(rows: list[dict]) -> dict:
    n = len(rows) or 1
    checks = [r["checks"] for r in rows]
    return {"replies": len(rows), "mean_chars": round(sum(c["chars"] for c in checks) / n, 1),
            "asks_question": sum(c["asks_question"] for c in checks) / n,
            "length_ok": sum(c["length_ok"] for c in checks) / n,
            "repetitive": sum(c["repetitive"] for c in checks) / n,
            "diagnosis_words": sum(bool(c["diagnosis_words"]) for c in checks) / n,
            "all_ok": sum(c["ok"] for c in checks) / n}


def format_summary(summary: dict) -> str:
    header = ["stage", "replies", "mean chars", "asks ?", "length ok", "repetitive", "diagnosis", "all ok"]
    lines = [header]
    for stage, s in summary.items():
        lines.append([stage, str(s["replies"]), f"{s['mean_chars']:.0f}", f"{s['asks_question']:.0%}",
                      f"{s['length_ok']:.0%}", f"{s['repetitive']:.0%}", f"{s['diagnosis_words']:.0%}",
                      f"{s['all_ok']:.0%}"])
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    text = ["  ".join(cell.ljust(w) for cell, w in zip(line, widths)) for line in lines]
    text.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(text)
