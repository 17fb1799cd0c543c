"""maeum's OpenAI client against a real `transformers serve` (transformers' own OpenAI-compatible
server) with the tiny EEVE-family model. Opt-in: the server takes ~30 s to start on 2 CPUs.

    MAEUM_TEST_SERVE=1 python -m pytest -q -m serve tests/test_openai_serve.py
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from serving.generators.base import GenerationRequest, ServerStreamError

pytestmark = [
    pytest.mark.serve,
    pytest.mark.skipif(not os.environ.get("MAEUM_TEST_SERVE"),
                       reason="starts `transformers serve` (~30 s); set MAEUM_TEST_SERVE=1 to run"),
]

START_TIMEOUT_S = 180


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _suppress_byte_fallback(model: Path) -> None:
    """The random tiny model may emit lone byte-fallback tokens (<0xEB> then a syllable), a byte
    sequence no trained model writes; `transformers serve` decodes with tokenizers' DecodeStream,
    which then fails mid-stream ("Invalid prefix encountered"), and which tokens come out depends on
    the machine's float arithmetic. The served copy never generates them (generation_config)."""
    from transformers import AutoTokenizer, GenerationConfig

    tokenizer = AutoTokenizer.from_pretrained(model)
    byte_ids = sorted(i for token, i in tokenizer.get_vocab().items() if re.fullmatch(r"<0x[0-9A-F]{2}>", token))
    assert len(byte_ids) == 256, len(byte_ids)
    config = GenerationConfig.from_pretrained(model)
    config.suppress_tokens = byte_ids
    config.save_pretrained(model)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(base_url, model id) of `transformers serve` pinned to a copy of the tiny model."""
    pytest.importorskip("fastapi", reason="pip install 'transformers[serving]'")
    from training.modeling import tiny_model_dir

    model = tmp_path_factory.mktemp("served") / "tiny-eeve"
    shutil.copytree(tiny_model_dir(), model)
    _suppress_byte_fallback(model)
    port = _free_port()
    log = (tmp_path_factory.mktemp("serve_log") / "serve.log").open("w")
    cli = Path(sys.executable).with_name("transformers")
    proc = subprocess.Popen([str(cli), "serve", str(model), "--host", "127.0.0.1", "--port", str(port),
                             "--device", "cpu", "--default-seed", "0"],
                            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    started = time.perf_counter()
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"transformers serve exited with {proc.returncode}: {Path(log.name).read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.perf_counter() - started > START_TIMEOUT_S:
                pytest.fail(f"transformers serve did not start in {START_TIMEOUT_S}s")
            time.sleep(0.25)
        print(f"\ntransformers serve ready in {time.perf_counter() - started:.1f}s")
        yield f"http://127.0.0.1:{port}/v1", str(model)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _generator(served, **kw):
    from serving.generators.openai_gen import OpenAIGenerator

    url, model = served
    kw.setdefault("temperature", 0.0)
    kw.setdefault("max_new_tokens", 8)
    return OpenAIGenerator(url, model, backoff=0.05, **kw)


def _request(text="요즘 잠을 잘 못 자요"):
    return GenerationRequest([{"role": "user", "content": text}])


def test_streams_a_reply_and_takes_the_format_from_the_served_template(served, caplog):
    g = _generator(served)
    with caplog.at_level("INFO", logger="serving.generators.openai_gen"):
        stream = g.stream(_request())
        pieces = list(stream)
    assert len(pieces) >= 2 and "".join(pieces).strip()  # streamed, piece by piece
    choice = g.chat_format()
    assert choice.name == "eeve" and choice.source == f"chat template {Path(served[1]) / 'chat_template.jinja'}"
    assert "stop strings ['<|im_end|>', '\\nHuman:']" in caplog.text
    # max_tokens was honoured and reported: 8 tokens of a random model never end the turn
    assert stream.finish_reason == "length" and stream.incomplete


def test_greedy_replies_repeat(served):
    g = _generator(served)
    assert "".join(g.stream(_request())) == "".join(g.stream(_request()))


def test_vllm_extras_are_dropped_after_the_422_and_the_reason_is_logged(served, caplog):
    g = _generator(served, extra_body={"stop_token_ids": [32000], "repetition_penalty": 1.1, "seed": 0})
    with caplog.at_level("WARNING", logger="serving.generators.openai_gen"):
        reply = "".join(g.stream(_request()))
    assert reply.strip()
    assert "Unexpected fields in the request" in caplog.text  # the server's own explanation
    assert g.extra_body == {"seed": 0}  # what transformers serve takes is kept


def test_a_mid_stream_error_event_is_shown_as_a_server_error(served):
    # beam search cannot stream: transformers serve answers 200, then sends {"error": "..."}
    g = _generator(served, extra_body={"generation_config": json.dumps({"num_beams": 2})})
    with pytest.raises(ServerStreamError) as info:
        list(g.stream(_request()))
    assert "num_beams" in info.value.server_message
    assert "연결할 수 없어요" not in info.value.user_message


def test_the_pipeline_streams_sentences_from_the_server(served, tmp_path):
    from serving.config import ServingSettings
    from serving.pipeline import ChatPipeline

    settings = ServingSettings.load(env={}, generator="openai", database_url=f"sqlite:///{tmp_path / 'm.db'}",
                                    openai={"base_url": served[0], "model": served[1]},
                                    sampling={"temperature": 0.0, "max_new_tokens": 16})
    pipeline = ChatPipeline(settings)
    try:
        user = pipeline.store.get_or_create_user("tester")
        conversation = pipeline.start_conversation(user, "counselor")
        events = list(pipeline.run_turn(conversation, "요즘 잠을 잘 못 자요"))
    finally:
        pipeline.close()
    kinds = [e.kind for e in events]
    assert kinds[0] == "accepted" and kinds[-1] == "done", kinds
    assert events[-1].raw_reply.strip()  # the server's words reached the stored reply
