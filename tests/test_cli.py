"""The `maeum` command itself: help, version, doctor (which must tell the truth)."""

from __future__ import annotations

import json
import subprocess
import sys

import torch

from maeum import __version__
from maeum.cli import main


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "maeum", *args], capture_output=True, text=True, timeout=120)


def test_help_lists_the_rooms():
    result = run("--help")
    assert result.returncode == 0
    for command in ("version", "doctor", "train", "eval", "personas", "safety", "data", "ui"):
        assert command in result.stdout, command


def test_version(capsys):
    assert main(["version"]) == 0
    assert capsys.readouterr().out.strip() == f"maeum {__version__}"


def test_doctor_is_fast_and_imports_nothing_heavy():
    # a fresh interpreter: the plain doctor reads versions from package metadata only
    probe = ("import sys, json; from maeum.cli import main; main(['doctor', '--json']); "
             "print(json.dumps(sorted(m for m in ('torch', 'transformers', 'trl', 'streamlit') if m in sys.modules)), "
             "file=sys.stderr)")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stderr.strip().splitlines()[-1]) == []
    checks = {c["name"]: c for c in json.loads(run.stdout)}
    assert checks["torch"]["detail"] == torch.__version__
    assert checks["streamlit"]["status"] == "ok"


def test_doctor_tells_the_truth_about_cuda(capsys):
    code = main(["doctor", "--deep", "--json"])
    checks = {c["name"]: c for c in json.loads(capsys.readouterr().out)}
    assert checks["torch"]["detail"] == torch.__version__
    if torch.cuda.is_available():
        assert checks["cuda"]["status"] == "ok"
    else:
        assert checks["cuda"]["status"] == "info" and "not usable" in checks["cuda"]["detail"]
        assert "CPU-only" in checks["cuda"]["detail"] or "no GPU" in checks["cuda"]["detail"]
    assert checks["personas folder"]["status"] == "ok"
    assert checks["data folder"]["status"] == "ok"
    assert code == 0


def test_make_tiny(tmp_path, capsys):
    assert main(["dev", "make-tiny", str(tmp_path / "tiny")]) == 0
    assert (tmp_path / "tiny" / "llama" / "config.json").exists()
    assert (tmp_path / "tiny" / "bart" / "tokenizer.json").exists()
