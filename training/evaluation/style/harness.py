"""The style evaluation harness (`maeum eval style`).

Cases come from SmileStyle-format data: each sentence in the *source* style (default
``formal``) is rewritten into each *target* style (default: the styles the personas use),
and compared with the same row's sentence in the target style (the reference). With
``split="valid"`` only the dialogues held out by `split_by_dialogue(valid_fraction, seed)`
are used; the style classifier is always trained on the *training* split of its data.

Sentences of one dialogue are given to the engine together, in order (as the sentences of
one reply), so engines that use the previous sentence as context see it.

Per target style and overall:
- ``style_acc``: share of outputs the classifier labels with the target style; ``ceiling``:
  the classifier's accuracy on the reference sentences themselves;
- ``chrf`` / ``bleu``: corpus chrF / BLEU against the references; ``chrf_src`` /
  ``bleu_src``: against the sources (how much was kept);
- ``ppl``: mean perplexity of the outputs under a causal LM (only with a fluency model);
- ``J``: mean over sentences of style(0/1) × chrF(output, reference)/100 × fluency, where
  fluency = min(1, ppl(reference)/ppl(output)) when a fluency model is given (else omitted);
- ``fallback_rate``: share of sentences the engine handed to its fallback (learned engines);
- ``model_only``: for learned engines, the same overall numbers on the model's own outputs
  before the checks and the fallback (what the model alone does; ``overall`` is what users get).
"""

from __future__ import annotations

import csv
import json
import logging
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from . import metrics

logger = logging.getLogger(__name__)

COLUMNS = [("n", "n", "{:d}"), ("style_acc", "style acc", "{:.3f}"), ("ceiling", "ceiling", "{:.3f}"),
           ("chrf", "chrF ref", "{:.1f}"), ("bleu", "BLEU ref", "{:.1f}"), ("chrf_src", "chrF src", "{:.1f}"),
           ("bleu_src", "BLEU src", "{:.1f}"), ("ppl", "PPL", "{:.1f}"), ("J", "J", "{:.3f}"),
           ("fallback_rate", "fallback", "{:.2f}")]


@dataclass
class Case:
    source: str
    reference: str
    target_style: str
    dialogue: int
    turn: int


@dataclass
class Scored:
    case: Case
    output: str
    predicted: str
    style_ok: bool
    chrf_ref: float
    chrf_src: float
    j: float
    ppl: float | None = None
    ppl_ref: float | None = None
    fluency: float | None = None
    fallback: str | None = None


@dataclass
class EvalData:
    cases: list[Case]
    train_rows: list = field(default_factory=list)  # the rows the classifier may learn from


def default_smilestyle() -> Path | None:
    from maeum import paths

    shared = paths.shared_data_dir()
    path = shared / "smilestyle" / "smilestyle_train.tsv" if shared else None
    return path if path and path.exists() else None


def load_cases(path: str | Path, *, split: str = "valid", valid_fraction: float = 0.1, seed: int = 0,
               source_style: str = "formal", target_styles: list[str],
               limit_per_style: int | None = None) -> EvalData:
    from training.loaders.smilestyle import read_smilestyle, split_by_dialogue

    rows = read_smilestyle(path)
    if split == "all":
        train_rows, eval_rows = [], rows
    else:
        train_rows, valid_rows = split_by_dialogue(rows, valid_fraction, seed)
        eval_rows = valid_rows if split == "valid" else train_rows
        if split not in ("valid", "train"):
            raise ValueError(f"split must be valid, train or all, not {split!r}")
    cases = []
    for target in target_styles:
        if target == source_style:
            continue
        chosen = [Case(r.styles[source_style], r.styles[target], target, r.dialogue, r.turn)
                  for r in eval_rows if source_style in r.styles and target in r.styles]
        cases += chosen[:limit_per_style] if limit_per_style else chosen
    return EvalData(cases, train_rows)


def stand_in_persona(style: str):
    """A persona-shaped object for a SmileStyle label no real persona uses."""
    return SimpleNamespace(id=f"smilestyle:{style}", name=style, examples=[],
                           style=SimpleNamespace(smilestyle=style, engine="kobart", speech_level=None))


def personas_for_styles(styles: list[str], personas_dir: str | None = None, personas: list | None = None) -> dict:
    """target style → the first persona (by id) that uses it, else a stand-in."""
    from serving.style.kobart import persona_style

    if personas is None:
        try:
            from training.style import load_persona_list

            personas = load_persona_list(personas_dir)
        except Exception as exc:  # noqa: BLE001 - the harness still runs with stand-ins
            logger.warning("personas not loaded (%s): using stand-in personas", exc)
            personas = []
    out = {}
    for style in styles:
        matching = [p for p in personas if persona_style(p) == style]
        out[style] = matching[0] if matching else stand_in_persona(style)
    return out


def run_engine(engine, cases: list[Case], personas: dict, raw: list | None = None
               ) -> tuple[list[str], list[str | None]]:
    """Outputs in case order; one `rewrite` call per (target style, dialogue).

    `raw`, when given (a list as long as `cases`), receives learned engines' own outputs
    before their checks and fallback (`engine.last_raw`), None where the model did not run.
    """
    outputs: list[str | None] = [None] * len(cases)
    fallbacks: list[str | None] = [None] * len(cases)
    groups: dict[tuple[str, int], list[int]] = {}
    for i, case in enumerate(cases):
        groups.setdefault((case.target_style, case.dialogue), []).append(i)
    # The engines log one line per reply that falls back; here the rate is counted instead.
    style_log = logging.getLogger("serving.style")
    level = style_log.level
    if not logger.isEnabledFor(logging.DEBUG):
        style_log.setLevel(logging.WARNING)
    try:
        _run_groups(engine, cases, personas, groups, outputs, fallbacks, raw)
    finally:
        style_log.setLevel(level)
    return outputs, fallbacks


def _run_groups(engine, cases, personas, groups, outputs, fallbacks, raw) -> None:
    for (style, _), indices in groups.items():
        sentences = [cases[i].source for i in indices]
        try:
            result = engine.rewrite(sentences, personas[style])
        except Exception as exc:  # noqa: BLE001 - an engine that raises scores as a copy, and we say so
            logger.error("engine %s raised on %d sentences (%s): counted as unchanged", engine.name, len(indices), exc)
            result = sentences
            for i in indices:
                fallbacks[i] = f"engine raised: {exc}"
        if len(result) != len(sentences):
            raise RuntimeError(f"engine {engine.name} returned {len(result)} sentences for {len(sentences)}")
        for j, i in enumerate(indices):
            outputs[i] = result[j]
        for fb in getattr(engine, "last_fallbacks", None) or []:
            fallbacks[indices[fb.index]] = fb.reason
        if raw is not None:
            last_raw = getattr(engine, "last_raw", None) or []
            for j, i in enumerate(indices):
                raw[i] = last_raw[j] if j < len(last_raw) else None


def score_cases(cases: list[Case], outputs: list[str], classifier, fallbacks: list[str | None] | None = None,
                fluency: metrics.Perplexity | None = None) -> list[Scored]:
    predicted = classifier.predict(outputs)
    ppl_out = ppl_ref = None
    if fluency is not None:
        ppl_out = fluency(outputs)
        ppl_ref = fluency([c.reference for c in cases])
    scored = []
    for i, (case, out, pred) in enumerate(zip(cases, outputs, predicted)):
        ok = pred == case.target_style
        chrf_ref = metrics.sentence_chrf(out, case.reference)
        flu = metrics.fluency_factor(ppl_out[i], ppl_ref[i]) if fluency is not None else None
        scored.append(Scored(case, out, pred, ok, chrf_ref, metrics.sentence_chrf(out, case.source),
                             metrics.j_score(ok, chrf_ref / 100.0, flu),
                             ppl_out[i] if ppl_out else None, ppl_ref[i] if ppl_ref else None, flu,
                             fallbacks[i] if fallbacks else None))
    return scored


def aggregate(scored: list[Scored], ceiling: float, with_fallbacks: bool) -> dict:
    outs = [s.output for s in scored]
    refs = [s.case.reference for s in scored]
    srcs = [s.case.source for s in scored]
    agg = {
        "n": len(scored),
        "style_acc": metrics.mean([1.0 if s.style_ok else 0.0 for s in scored]),
        "ceiling": ceiling,
        "chrf": metrics.corpus_chrf(outs, refs),
        "bleu": metrics.corpus_bleu(outs, refs),
        "chrf_src": metrics.corpus_chrf(outs, srcs),
        "bleu_src": metrics.corpus_bleu(outs, srcs),
        "ppl": metrics.mean([s.ppl for s in scored]) if scored and scored[0].ppl is not None else None,
        "J": metrics.mean([s.j for s in scored]),
        "fallback_rate": (metrics.mean([1.0 if s.fallback else 0.0 for s in scored]) if with_fallbacks else None),
    }
    return agg


def format_table(result: dict, title: str | None = None) -> str:
    rows = [(style, result["personas"].get(style, ""), agg) for style, agg in result["per_style"].items()]
    rows.append(("**overall**", "", result["overall"]))
    if result.get("model_only"):
        rows.append(("overall, model output only (no checks, no fallback)", "", result["model_only"]))
    cols = [c for c in COLUMNS if any(agg.get(c[0]) is not None for _, _, agg in rows)]
    head = "| target style | persona | " + " | ".join(c[1] for c in cols) + " |"
    sep = "|---|---|" + "|".join("---:" for _ in cols) + "|"
    lines = ([f"**{title}**", ""] if title else []) + [head, sep]
    for style, persona, agg in rows:
        lines.append(f"| {style} | {persona} | " + " | ".join(_cell(agg.get(k), fmt) for k, _, fmt in cols) + " |")
    return "\n".join(lines)


def comparison_table(results: list[dict]) -> str:
    """Overall numbers, one row per engine."""
    cols = [c for c in COLUMNS if any(r["overall"].get(c[0]) is not None for r in results)]
    lines = ["| engine | " + " | ".join(c[1] for c in cols) + " |", "|---|" + "|".join("---:" for _ in cols) + "|"]
    for r in results:
        lines.append(f"| {r['engine']} | " + " | ".join(_cell(r["overall"].get(k), fmt) for k, _, fmt in cols) + " |")
        if r.get("model_only"):
            lines.append(f"| {r['engine']}, model output only | "
                         + " | ".join(_cell(r["model_only"].get(k), fmt) for k, _, fmt in cols) + " |")
    return "\n".join(lines)


def _cell(value, fmt: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return fmt.format(value)


def train_classifier(data_path: str | Path | None, split: str = "valid", valid_fraction: float = 0.1, seed: int = 0,
                     classifier_data: str | Path | None = None):
    """The style classifier, trained on a *training* split only. Returns (classifier, description).

    Its data: the training split of `classifier_data` if given; else the training split of
    the evaluation data (when evaluating its held-out split); else the training split of the
    shared SmileStyle file.
    """
    from training.loaders.smilestyle import read_smilestyle, split_by_dialogue

    from .classifier import train_on_rows

    source = classifier_data or (data_path if split == "valid" else None) or default_smilestyle()
    if source is None:
        raise ValueError("no data to train the style classifier on: pass classifier_data")
    train_rows, _ = split_by_dialogue(read_smilestyle(source), valid_fraction, seed)
    clf = train_on_rows(train_rows)
    return clf, {"trained_on": f"{source} (training split: valid_fraction {valid_fraction}, seed {seed})",
                 "train_dialogues": len({r.dialogue for r in train_rows}),
                 "train_sentences": sum(len(r.styles) for r in train_rows), "styles": clf.labels,
                 "model": f"binarised naive Bayes, char {clf.ngram_range[0]}-{clf.ngram_range[1]}-grams + words, "
                          f"alpha {clf.alpha}"}


def evaluate_engine(engine, data_path: str | Path, out_dir: str | Path | None = None, *, split: str = "valid",
                    valid_fraction: float = 0.1, seed: int = 0, source_style: str = "formal",
                    target_styles: list[str] | None = None, limit_per_style: int | None = None,
                    fluency_model: str | None = None, fluency=None, classifier=None,
                    classifier_data: str | Path | None = None, classifier_info: dict | None = None,
                    personas: dict | None = None, personas_dir: str | None = None, quiet: bool = False) -> dict:
    """Run `engine` on the cases, score them, write results.json / results.md / predictions.tsv."""
    if target_styles is None:
        from training.style import load_persona_list, persona_styles

        target_styles = persona_styles(load_persona_list(personas_dir))
    target_styles = [s for s in target_styles if s != source_style]
    data = load_cases(data_path, split=split, valid_fraction=valid_fraction, seed=seed, source_style=source_style,
                      target_styles=target_styles, limit_per_style=limit_per_style)
    if not data.cases:
        raise ValueError(f"no {source_style} → {target_styles} cases in {data_path} ({split} split)")
    classifier_info = classifier_info or {"given": True}
    if classifier is None:
        classifier, classifier_info = train_classifier(data_path, split, valid_fraction, seed, classifier_data)
    if fluency is None and fluency_model:
        fluency = metrics.Perplexity(fluency_model)
    personas = personas or personas_for_styles(target_styles, personas_dir)

    started = time.perf_counter()
    raw: list[str | None] = [None] * len(data.cases)
    outputs, fallbacks = run_engine(engine, data.cases, personas, raw)
    seconds = time.perf_counter() - started
    scored = score_cases(data.cases, outputs, classifier, fallbacks, fluency)
    with_fallbacks = hasattr(engine, "last_fallbacks")
    # A learned engine's own outputs, before checks and fallback: the model's quality alone.
    model_only = None
    if with_fallbacks and all(r is not None for r in raw):
        model_only = aggregate(score_cases(data.cases, raw, classifier, None, fluency), float("nan"), False)

    ref_pred = classifier.predict([c.reference for c in data.cases])
    ref_ok = [p == c.target_style for p, c in zip(ref_pred, data.cases)]
    per_style = {}
    for style in target_styles:
        idx = [i for i, c in enumerate(data.cases) if c.target_style == style]
        if idx:
            per_style[style] = aggregate([scored[i] for i in idx], metrics.mean([float(ref_ok[i]) for i in idx]),
                                         with_fallbacks)
    overall = aggregate(scored, metrics.mean([float(x) for x in ref_ok]), with_fallbacks)
    result = {
        "engine": engine.name, "data": str(data_path), "split": split, "valid_fraction": valid_fraction,
        "seed": seed, "source_style": source_style, "target_styles": list(per_style),
        "personas": {s: getattr(p, "id", "") for s, p in personas.items() if s in per_style},
        "classifier": classifier_info, "fluency_model": getattr(fluency, "name", None) if fluency else None,
        "signatures": metrics.signatures(), "engine_seconds": round(seconds, 3),
        "sentences_per_second": round(len(data.cases) / seconds, 2) if seconds > 0 else None,
        "overall": overall, "per_style": per_style, "model_only": model_only,
    }
    result["table"] = format_table(result, title=f"{engine.name}: {source_style} → persona styles, "
                                                 f"{split} split of {Path(data_path).name}")
    if out_dir is not None:
        write_outputs(Path(out_dir), result, scored, raw)
    if not quiet:
        print(result["table"])
    return result


def write_outputs(out_dir: Path, result: dict, scored: list[Scored], raw: list | None = None) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "results.json").write_text(
        json.dumps(_clean(result), ensure_ascii=False, indent=2, default=str, allow_nan=False), encoding="utf-8")
    (out_dir / "results.md").write_text(result["table"] + "\n", encoding="utf-8")
    with (out_dir / "predictions.tsv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter="\t", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(["dialogue", "turn", "target_style", "source", "reference", "output", "predicted_style",
                         "chrf_ref", "J", "fallback", "model_output"])
        for i, s in enumerate(scored):
            model_output = raw[i] if raw and raw[i] is not None else ""
            writer.writerow([s.case.dialogue, s.case.turn, s.case.target_style, s.case.source, s.case.reference,
                             s.output, s.predicted, f"{s.chrf_ref:.1f}", f"{s.j:.3f}", s.fallback or "",
                             model_output])


def _clean(value):
    """NaN → null, so results.json is strict JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value
