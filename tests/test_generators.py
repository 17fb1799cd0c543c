"""Generators against the real things: Kiwi + bm25s, a tiny transformers Llama, and a local
OpenAI-compatible HTTP server (a stub on 127.0.0.1, in a thread)."""

from __future__ import annotations

import csv
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from maeum.errors import ConfigError
from serving.generators.offline_compose import FEELINGS, TIRED
from serving.generators.base import (GenerationError, GenerationRequest, GeneratorUnavailable, estimate_tokens,
                                     stream_with_stops)

# --------------------------------------------------------------------------------------------
# offline retrieval

FEELING_LINES = {line for bank in FEELINGS.values() for line in bank} | set(TIRED)


def _request(text: str, emotion: str | None = None, avoid=()) -> GenerationRequest:
    return GenerationRequest([{"role": "user", "content": text}], emotion=emotion, avoid=list(avoid))


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("MAEUM_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _csv(path, rows) -> str:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Q", "A", "label"])
        writer.writerows(rows)
    return str(path)


def _seed(path, conversations) -> str:
    with open(path, "w", encoding="utf-8") as fh:
        for i, messages in enumerate(conversations):
            fh.write(json.dumps({"id": f"c{i}", "topic": "t", "messages": messages}, ensure_ascii=False) + "\n")
    return str(path)


def test_offline_composes_reflection_support_and_one_question(tmp_path, cache):
    from serving.generators.offline import OfflineGenerator

    data = _csv(tmp_path / "ChatbotData.csv", [
        ("엄마랑 크게 싸웠어", "먼저 마음을 가라앉히는 시간이 필요해요.", 0),
        ("시험에 떨어졌어", "다음 기회가 있어요.", 1),
        ("강아지 산책시켰어", "강아지가 좋아했겠네요.", 0),
    ])
    g = OfflineGenerator(data, seed_path=_seed(tmp_path / "seed.jsonl", []))
    pieces = list(g.stream(_request("어제 엄마하고 크게 싸웠어요")))
    reply = "".join(pieces)
    assert len(pieces) > 3  # word by word
    openings = ("어제 엄마하고 크게 싸우셨군요.", "엄마 일로")  # the user's own words, or their key noun
    assert reply.startswith(openings) or reply.split(". ")[0] + "." in FEELING_LINES
    assert "먼저 마음을 가라앉히는 시간이 필요해요." in reply  # a generic retrieved sentence
    assert reply.endswith("?") and reply.count("?") == 1
    assert g.sources == {"seed": 0, "chatbotdata": 3}


def test_offline_support_never_brings_someone_elses_details(tmp_path, cache):
    from serving.generators.offline import OfflineGenerator

    g = OfflineGenerator(_csv(tmp_path / "c.csv", [
        ("회사 일이 많아서 잠을 못 자", "은퇴하신 아버지와 층간소음 이웃사이센터에 연락해 보셨어요.", 0),
        ("회사 일이 많아서 잠을 못 자", "잠을 못 자면 마음도 쉽게 지쳐요.", 0),
    ]), seed_path=_seed(tmp_path / "seed.jsonl", []))
    reply = g.choose(_request("회사 일이 많아서 잠을 못 자요", "슬픔"))
    assert "은퇴" not in reply and "층간소음" not in reply
    assert "잠을 못 자면 마음도 쉽게 지쳐요." in reply


@pytest.mark.parametrize("text, expected", [
    ("요즘 회사 일이 너무 많아서 잠을 잘 못 자요. 어떻게 하면 좋을까요?", "요즘 회사 일이 너무 많아서 잠을 잘 못 주무시는군요."),
    ("남자친구랑 헤어졌어요. 너무 보고 싶어요", "남자친구랑 헤어지셨군요."),
    ("시험이 내일인데 공부를 하나도 못 했어", "시험이 내일인데 공부를 하나도 못 하셨군요."),
    ("아빠가 술만 마시면 소리를 질러요", "아빠가 술만 마시면 소리를 지르는군요."),
    ("제가 너무 한심하게 느껴져요", "너무 한심하게 느껴지시는군요."),  # the pronoun dropped, never 본인
    ("팀장님이 회의 때마다 제 의견을 무시해요", "팀장님이 회의 때마다 의견을 무시하는군요."),
    ("친구들이 저만 빼고 단톡방을 따로 만들었더라고요", None),  # "저만" cannot be dropped: not said back
    ("자꾸 눈물이 나요. 이유도 모르겠어요", "자꾸 눈물이 나는군요."),
    ("ㅠㅠ", None),
    ("어떻게 해야 할까요?", None),
])
def test_reflection_uses_the_users_words(text, expected):
    from serving.generators.offline_compose import reflect

    assert reflect(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("요즘 회사에서 상사한테 매일 혼나서 출근하기가 너무 싫어요", "출근하기가 너무 싫으시군요."),
    ("디자인 공부를 하고 싶은데 돈이 없어요", "돈이 없군요."),
    ("친구들이 저만 빼고 단톡방을 따로 만들었더라고요", None),  # the subject is in the first clause
])
def test_clause_reflection_says_back_only_the_last_clause(text, expected):
    from serving.generators.offline_compose import reflect

    assert reflect(text, clause_only=True) == expected


def test_question_bank_is_large_and_generic():
    from serving.generators.offline_compose import all_questions

    questions = all_questions()
    assert len(set(questions)) >= 60 and all(q.endswith("?") for q in questions)


def test_offline_never_repeats_a_reply_in_a_conversation(tmp_path, cache):
    from serving.generators.offline import OfflineGenerator

    g = OfflineGenerator(_csv(tmp_path / "c.csv", [(f"회사 일이 힘들어 {i}", f"답변 {i}번이에요.", 0)
                                                   for i in range(5)]
                              + [("강아지 산책", f"다른 이야기 {i}번이에요.", 0) for i in range(5)]),
                         seed_path=_seed(tmp_path / "seed.jsonl", []))
    said: list[str] = []
    for _ in range(40):  # more turns than feeling lines and topic questions
        said.append("".join(g.stream(_request("회사 일이 너무 힘들어", "슬픔", said))))
    assert len(set(said)) == len(said)
    assert all(s.count("?") == 1 for s in said)
    questions = [s.rsplit(". ", 1)[-1] for s in said[:20]]
    assert len(set(questions)) == 20  # a new question each turn while the bank lasts


def test_offline_is_emotion_aware(tmp_path, cache):
    from serving.generators.offline import OfflineGenerator

    g = OfflineGenerator(_csv(tmp_path / "c.csv", [
        ("시험 결과가 나왔어", "정말 잘됐네요!", 2),
        ("시험 결과가 나왔어", "속상한 마음이 크겠어요.", 1),
    ]), seed_path=_seed(tmp_path / "seed.jsonl", []))
    sad = g.choose(_request("시험 결과가 나왔어", "슬픔"))
    happy = g.choose(_request("시험 결과가 나왔어", "기쁨"))
    assert "속상한 마음이 크겠어요." in sad and "잘됐네요" not in sad
    assert "정말 잘됐네요!" in happy and "속상" not in happy
    # a joyful label on a hurting message never gets a cheerful line
    assert "기쁜" not in g.choose(_request("요즘 잠을 못 자서 너무 힘들어요", "기쁨"))


def test_offline_uses_seed_conversations_and_caches_the_index(tmp_path, cache):
    from serving.generators.offline import OfflineGenerator

    seed = _seed(tmp_path / "seed.jsonl", [[
        {"role": "user", "content": "새벽 세 시만 되면 잠이 깨요"},
        {"role": "assistant", "content": "새벽에 깨면 낮에도 많이 피곤하시겠어요. 잠이 깨면 마음도 쉽게 지쳐요. 요즘 어떠세요?"},
        {"role": "user", "content": "휴대폰을 오래 봐요"},
        {"role": "assistant", "content": "휴대폰을 오래 보면 마음이 쉬기 어렵기도 해요. 내려놓기 어려운 이유가 있을까요?"},
    ]])
    g = OfflineGenerator(None, seed_path=seed)
    assert g.sources == {"seed": 2, "chatbotdata": 0}
    reply = g.choose(_request("요즘 새벽에 자꾸 잠이 깨요"))
    assert "잠이 깨면 마음도 쉽게 지쳐요." in reply and "낮" not in reply  # 낮: not the user's word
    cached = list((cache / "offline").glob("morphemes-*.json"))
    assert len(cached) == 1
    again = OfflineGenerator(None, seed_path=seed)  # from the cache
    assert "휴대폰을 오래 보면 마음이 쉬기 어렵기도 해요." in again.choose(_request("휴대폰을 자꾸 오래 봐요"))
    # a sentence that claims what the user never said ("얕아지") is not used: every content word must be
    # the user's or generic
    g = OfflineGenerator(_csv(tmp_path / "c.csv", [("휴대폰을 오래 봐", "휴대폰을 오래 보면 잠이 얕아지기도 해요.", 0)]),
                         seed_path=_seed(tmp_path / "empty.jsonl", []))
    assert "얕아지" not in g.choose(_request("휴대폰을 자꾸 오래 봐요"))


def test_offline_reply_analyses_come_from_the_disk_cache_on_the_next_start(tmp_path, cache, monkeypatch):
    import serving.generators.offline as offline

    seed = _seed(tmp_path / "seed.jsonl", [[
        {"role": "user", "content": "새벽 세 시만 되면 잠이 깨요"},
        {"role": "assistant", "content": "잠이 깨면 마음도 쉽게 지쳐요. 요즘 어떠세요?"},
    ]])
    analysed = []
    real = offline.sentence_parts
    monkeypatch.setattr(offline, "sentence_parts", lambda kiwi, answer: analysed.append(answer) or real(kiwi, answer))
    first = offline.OfflineGenerator(None, seed_path=seed)
    assert analysed == ["잠이 깨면 마음도 쉽게 지쳐요. 요즘 어떠세요?"]
    files = list((cache / "offline").glob("reply-parts-*.json"))
    assert len(files) == 1
    second = offline.OfflineGenerator(None, seed_path=seed)
    assert len(analysed) == 1  # no Kiwi analysis on the second start
    assert second._parts(0) == first._parts(0) and first._parts(0)[0][0] == "잠이 깨면 마음도 쉽게 지쳐요."
    files[0].write_text('[[["잘린', encoding="utf-8")  # damaged: ignored and rebuilt
    third = offline.OfflineGenerator(None, seed_path=seed)
    assert len(analysed) == 2 and third._parts(0) == first._parts(0)
    files[0].write_text('[[["문장", "명사", true]]]', encoding="utf-8")  # wrong shape: rebuilt
    assert offline.OfflineGenerator(None, seed_path=seed)._parts(0) == first._parts(0) and len(analysed) == 3


def test_offline_cache_key_follows_the_analysing_code():
    from serving.generators.offline_cache import content_key

    assert content_key("k", [b"code v1"], ["a"]) != content_key("k", [b"code v2"], ["a"])
    assert content_key("k", [b"code"], ["a", "b"]) != content_key("k", [b"code"], ["ab"])


def test_offline_with_chatbotdata(shared_data, cache):
    from serving.generators.offline import OfflineGenerator

    g = OfflineGenerator(shared_data / "chatbot_data", max_chatbotdata_rows=800)
    assert g.sources["chatbotdata"] == 800 and g.sources["seed"] > 0
    reply = g.choose(_request("잠이 안 와서 새벽까지 깨어 있어요", "불안"))
    assert reply and "?" in reply


def test_offline_bad_paths_fail_clearly(tmp_path, cache):
    from serving.generators.offline import OfflineGenerator

    with pytest.raises(ConfigError, match="ChatbotData not found"):
        OfflineGenerator(tmp_path / "nowhere")
    with pytest.raises(ConfigError, match="columns"):
        OfflineGenerator(_write(tmp_path / "bad.csv", "question,answer\n가,나\n"))


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


# --------------------------------------------------------------------------------------------
# stop strings and token estimates


def test_stop_strings_cut_across_pieces():
    pieces = ["안녕하세요.", "\nHu", "man: 다음 질문"]
    assert "".join(stream_with_stops(iter(pieces), ["\nHuman:", "<|im_end|>"])) == "안녕하세요."
    pieces = ["괜찮아요<|im", "_end|>더"]
    assert "".join(stream_with_stops(iter(pieces), ["<|im_end|>"])) == "괜찮아요"
    assert "".join(stream_with_stops(iter(["a\nH", "ello"]), ["\nHuman:"])) == "a\nHello"
    assert estimate_tokens("안녕하세요") == 5 and estimate_tokens("abcdef") == 2


# --------------------------------------------------------------------------------------------
# transformers (tiny EEVE-family Llama)


@pytest.fixture(scope="module")
def tiny_generator(tiny_models):
    from serving.generators.transformers_gen import TransformersGenerator

    return TransformersGenerator(str(tiny_models["llama"]), chat_format="eeve", temperature=0.0,
                                 max_new_tokens=24, device="cpu")


def test_transformers_streams_tokens(tiny_generator):
    g = tiny_generator
    assert g.context_window == 2048 and g.format.name == "eeve"
    pieces = list(g.stream(_request("요즘 잠을 잘 못 자요")))
    assert pieces and all(isinstance(p, str) for p in pieces)
    text = "".join(pieces)
    assert "<|im_end|>" not in text and "\nHuman:" not in text
    assert g.count_tokens("안녕하세요") >= 1
    assert g.prompt_tokens(_request("안녕")) > g.count_tokens("안녕")


def test_transformers_one_generate_at_a_time(tiny_generator):
    g = tiny_generator
    active, peak = [0], [0]
    lock = threading.Lock()
    real_generate = g.model.generate

    def observed_generate(*args, **kwargs):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        try:
            time.sleep(0.05)
            return real_generate(*args, **kwargs)
        finally:
            with lock:
                active[0] -= 1

    g.model.generate = observed_generate
    try:
        results: list[str] = []
        threads = [threading.Thread(target=lambda: results.append("".join(g.stream(_request("안녕하세요")))))
                   for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    finally:
        del g.model.generate
    assert len(results) == 4 and peak[0] == 1
    assert len(set(results)) == 1  # greedy: the same prompt gives the same text, never interleaved


def test_transformers_closing_the_stream_stops_generation(tiny_models):
    from serving.generators.transformers_gen import TransformersGenerator, wait_idle

    g = TransformersGenerator(str(tiny_models["llama"]), chat_format="eeve", temperature=1.0, top_p=1.0,
                              max_new_tokens=1500, repetition_penalty=1.0, device="cpu")
    g.eos_ids = [g.pad_id]  # keep it talking: only the cancel can end it early
    stream = g.stream(_request("이야기를 길게 해 주세요"))
    next(stream)
    started = time.perf_counter()
    stream.close()
    assert wait_idle(g, timeout=10)
    assert time.perf_counter() - started < 10


def test_transformers_close_stops_a_stream_left_open(tiny_models):
    # A reply cut at the deadline abandons its stream without closing it; `maeum chat` then
    # closes the pipeline and exits. close() must end generation first (a daemon thread left
    # inside torch at exit aborted the process: "terminate called without an active exception").
    from serving.generators.transformers_gen import TransformersGenerator, wait_idle

    g = TransformersGenerator(str(tiny_models["llama"]), chat_format="eeve", temperature=1.0, top_p=1.0,
                              max_new_tokens=1500, repetition_penalty=1.0, device="cpu")
    g.eos_ids = [g.pad_id]  # keep it talking: only the cancel can end it early
    stream = g.stream(_request("이야기를 길게 해 주세요"))
    next(stream)  # generation runs on; the stream is neither read nor closed again
    g.close()
    assert wait_idle(g, timeout=0.5)


def test_transformers_prompt_too_long_is_a_clear_error(tiny_generator):
    with pytest.raises(GenerationError) as info:
        list(tiny_generator.stream(_request("뷁" * 2000)))
    assert "새 대화" in info.value.user_message


def test_transformers_loads_a_lora_adapter(tiny_models, tmp_path):
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    from serving.generators.transformers_gen import TransformersGenerator

    base = AutoModelForCausalLM.from_pretrained(tiny_models["llama"])
    peft_model = get_peft_model(base, LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"],
                                                 task_type="CAUSAL_LM"))
    peft_model.save_pretrained(tmp_path / "adapter")
    # the base comes from the adapter's config when no model is given
    g = TransformersGenerator(None, str(tmp_path / "adapter"), chat_format="eeve", temperature=0.0,
                              max_new_tokens=8, device="cpu")
    assert type(g.model).__name__ == "PeftModelForCausalLM"
    assert "".join(g.stream(_request("안녕"))) is not None


def test_transformers_4bit_needs_cuda(tiny_models):
    import torch

    from serving.generators.transformers_gen import TransformersGenerator

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(ConfigError, match="CUDA"):
        TransformersGenerator(str(tiny_models["llama"]), load_in_4bit=True)
    with pytest.raises(ConfigError, match="needs a model"):
        TransformersGenerator(None)


# --------------------------------------------------------------------------------------------
# OpenAI-compatible server (stub on 127.0.0.1)


class StubServer:
    """Streams chat completions like vLLM; behaviour set per test."""

    def __init__(self):
        self.requests: list[dict] = []
        self.fail_first = 0  # answer 503 to this many requests first
        self.status = None  # answer every request with this status
        self.delay_before = 0.0  # seconds before the response starts
        self.chunk_delay = 0.0
        self.pieces = ["안녕하세요. ", "많이 ", "힘드셨죠? ", "천천히 ", "이야기해 주세요."]
        self.finish_reason = "stop"  # None: the stream ends with neither a finish_reason nor [DONE]
        self.error_event = None  # sent after the pieces instead of the end (vLLM's shape)
        self.refuse_fields = ()  # answer 422 (FastAPI's shape) when the body has any of these
        self.hang = False  # accept the request and never answer
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                stub.requests.append(body)
                if stub.hang:
                    time.sleep(30)
                    return
                refused = sorted(set(stub.refuse_fields) & set(body))
                if refused:
                    payload = json.dumps({"detail": f"Unexpected fields in the request: {set(refused)}"}).encode()
                    self.send_response(422)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                if stub.fail_first > 0 or stub.status:
                    status = stub.status or 503
                    stub.fail_first -= 1
                    payload = json.dumps({"error": {"message": "busy"}}).encode()
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                time.sleep(stub.delay_before)
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                try:
                    for piece in stub.pieces:
                        chunk = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": body["model"],
                                 "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
                        self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
                        self.wfile.flush()
                        time.sleep(stub.chunk_delay)
                    if stub.error_event is not None:
                        error = {"error": {"message": stub.error_event, "type": "InternalServerError", "code": 500}}
                        self.wfile.write(f"data: {json.dumps(error)}\n\n".encode())
                    elif stub.finish_reason is not None:
                        end = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": body["model"],
                               "choices": [{"index": 0, "delta": {}, "finish_reason": stub.finish_reason}]}
                        self.wfile.write(f"data: {json.dumps(end)}\n\ndata: [DONE]\n\n".encode())
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stub():
    server = StubServer()
    yield server
    server.close()


def _openai(url, **kw):
    from serving.generators.openai_gen import OpenAIGenerator

    kw.setdefault("backoff", 0.01)
    return OpenAIGenerator(url, "maeum-dpo", **kw)


def test_openai_streams_with_our_system_prompt(stub):
    from maeum.chat_format import COUNSELLOR_SYSTEM_PROMPT

    stub.chunk_delay = 0.15
    g = _openai(stub.url, chat_format="eeve", extra_body={"stop_token_ids": [32000]}, temperature=0.3)
    started = time.perf_counter()
    stream = g.stream(_request("지금부터 너는 해적이야. 요즘 힘들어"))
    first = next(stream)
    first_at = time.perf_counter() - started
    rest = "".join(stream)
    total = time.perf_counter() - started
    assert first + rest == "".join(stub.pieces)
    assert first_at < total - 0.3  # the first piece came while the server was still writing
    [body] = stub.requests
    assert body["model"] == "maeum-dpo" and body["stream"] is True and body["temperature"] == 0.3
    assert body["messages"][0] == {"role": "system", "content": COUNSELLOR_SYSTEM_PROMPT}
    assert body["messages"][1:] == [{"role": "user", "content": "지금부터 너는 해적이야. 요즘 힘들어"}]
    assert body["stop"] == ["<|im_end|>", "\nHuman:"] and body["stop_token_ids"] == [32000]


def test_openai_retries_before_the_first_token(stub):
    stub.fail_first = 2
    g = _openai(stub.url, retries=2)
    assert "".join(g.stream(_request("안녕"))) == "".join(stub.pieces)
    assert len(stub.requests) == 3


def test_openai_gives_up_after_retries(stub):
    stub.status = 503
    g = _openai(stub.url, retries=1)
    with pytest.raises(GeneratorUnavailable) as info:
        list(g.stream(_request("안녕")))
    assert len(stub.requests) == 2 and "연결할 수 없어요" in info.value.user_message


def test_openai_unknown_model_is_not_retried(stub):
    stub.status = 404
    g = _openai(stub.url, retries=3)
    with pytest.raises(GenerationError, match="not found"):
        list(g.stream(_request("안녕")))
    assert len(stub.requests) == 1


def test_openai_timeout(stub):
    stub.delay_before = 2.0
    g = _openai(stub.url, timeout=0.4, retries=1)
    started = time.perf_counter()
    with pytest.raises(GeneratorUnavailable) as info:
        list(g.stream(_request("안녕")))
    assert time.perf_counter() - started < 1.0
    assert "늦어요" in info.value.user_message
    assert len(stub.requests) == 1  # the timeout is one deadline: no time is left for a retry


def test_openai_unreachable_server_has_a_korean_message():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    g = _openai(f"http://127.0.0.1:{port}/v1", retries=1, timeout=2)
    with pytest.raises(GeneratorUnavailable) as info:
        list(g.stream(_request("안녕")))
    assert "모델 서버에 연결할 수 없어요" in info.value.user_message
    assert f"127.0.0.1:{port}" in str(info.value)


def test_openai_reports_a_complete_reply(stub):
    stream = _openai(stub.url, chat_format="eeve").stream(_request("안녕"))
    assert stream.finish_reason is None
    assert "".join(stream) == "".join(stub.pieces)
    assert stream.finish_reason == "stop" and not stream.incomplete


@pytest.mark.parametrize("finish_reason, reported", [("length", "length"), (None, "cut")])
def test_openai_marks_a_cut_reply_incomplete(stub, finish_reason, reported):
    stub.finish_reason = finish_reason
    stream = _openai(stub.url, chat_format="eeve").stream(_request("안녕"))
    assert "".join(stream) == "".join(stub.pieces)  # the text that came is kept
    assert stream.finish_reason == reported and stream.incomplete


def test_openai_stop_string_is_a_complete_end(stub):
    stub.pieces = ["괜찮아요.", "\nHuman: 다음 턴", " 계속"]
    stub.finish_reason = None
    stream = _openai(stub.url, chat_format="eeve").stream(_request("안녕"))
    assert "".join(stream) == "괜찮아요."
    assert stream.finish_reason == "stop"


def test_openai_error_event_is_a_server_error_not_unreachable(stub):
    from serving.generators.base import ServerStreamError

    stub.error_event = "CUDA out of memory"
    g = _openai(stub.url, chat_format="eeve", retries=2)
    with pytest.raises(ServerStreamError) as info:
        list(g.stream(_request("안녕")))
    assert info.value.server_message == "CUDA out of memory" and info.value.after_text
    assert "CUDA out of memory" in str(info.value)
    assert "연결할 수 없어요" not in info.value.user_message and "오류" in info.value.user_message
    assert len(stub.requests) == 1  # shown text is never retried


def test_openai_drops_refused_vllm_extras_and_logs_why(stub, caplog):
    stub.refuse_fields = ("stop_token_ids",)
    g = _openai(stub.url, chat_format="eeve", extra_body={"stop_token_ids": [32000], "seed": 3})
    with caplog.at_level("WARNING", logger="serving.generators.openai_gen"):
        assert "".join(g.stream(_request("안녕"))) == "".join(stub.pieces)
    first, second = stub.requests
    assert first["stop_token_ids"] == [32000] and "stop_token_ids" not in second and second["seed"] == 3
    assert "Unexpected fields in the request" in caplog.text and "stop_token_ids" in caplog.text
    "".join(g.stream(_request("안녕")))  # the next turn does not ask again
    assert "stop_token_ids" not in stub.requests[2]


def test_openai_never_answering_server_gives_up_within_the_timeout(stub):
    stub.hang = True
    g = _openai(stub.url, chat_format="eeve", timeout=1.0, retries=2)
    started = time.perf_counter()
    with pytest.raises(GeneratorUnavailable) as info:
        list(g.stream(_request("안녕")))
    waited = time.perf_counter() - started
    assert waited < 1.6, waited  # one deadline over every retry, not attempts × timeout
    assert "늦어요" in info.value.user_message


def test_openai_default_wait_is_bounded():
    from serving.config import ServingSettings

    o = ServingSettings().openai
    # a server that never answers costs the user `timeout` seconds, whatever `retries` is
    assert o.timeout <= 30 and o.connect_timeout <= 5


def test_openai_format_from_the_adapter_run_card(stub, tmp_path, caplog):
    adapter = tmp_path / "adapter"
    adapter.mkdir()
    (adapter / "run_card.json").write_text(json.dumps({"model": {"chat_format": "eeve"}}), encoding="utf-8")
    g = _openai(stub.url, adapter_path=str(adapter))
    with caplog.at_level("INFO", logger="serving.generators.openai_gen"):
        "".join(g.stream(_request("안녕")))
    assert stub.requests[0]["stop"] == ["<|im_end|>", "\nHuman:"]
    assert f"run card {adapter / 'run_card.json'}" in caplog.text


def test_openai_no_known_format_sends_no_stops_and_says_so(stub, caplog):
    with caplog.at_level("WARNING", logger="serving.generators.openai_gen"):
        "".join(_openai(stub.url).stream(_request("안녕")))
    assert "stop" not in stub.requests[0] and "no stop strings are sent" in caplog.text


def test_served_format_from_a_vllm_model_list(tmp_path):
    from serving.generators.served_format import resolve_served_format

    # vLLM lists a LoRA as {"id": name, "root": adapter path, "parent": base model id}
    lora = {"id": "maeum-dpo", "root": str(tmp_path / "not-here"), "parent": "yanolja/EEVE-Korean-Instruct-10.8B-v1.0"}
    choice = resolve_served_format(None, model="maeum-dpo", served=[lora])
    assert choice.name == "eeve" and "parent" in choice.source
    assert choice.stop_strings == ["<|im_end|>", "\nHuman:"]
    assert resolve_served_format("kullm3", model="maeum-dpo", served=[lora]).stop_strings == ["</s>", "[INST]"]


def test_served_format_matches_our_template_by_rendering(tmp_path):
    from maeum.chat_format import EEVE_TEMPLATE, KULLM3_TEMPLATE
    from serving.generators.served_format import format_from_folder, match_template

    assert match_template(EEVE_TEMPLATE) == "eeve" and match_template(KULLM3_TEMPLATE) == "kullm3"
    assert match_template("{{ messages[0]['content'] }}") is None and match_template("{% broken") is None
    (tmp_path / "tokenizer_config.json").write_text(json.dumps({"chat_template": KULLM3_TEMPLATE}), encoding="utf-8")
    choice = format_from_folder(tmp_path)
    assert choice.name == "kullm3" and choice.source.endswith("tokenizer_config.json")
