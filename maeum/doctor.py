"""`maeum doctor`: what this machine can run, each line ok / missing / info with the fix."""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
import platform
import shutil
import sys
from dataclasses import dataclass

from maeum import paths


@dataclass
class Check:
    name: str
    status: str  # "ok", "missing" or "info"
    detail: str
    fix: str = ""
    required: bool = False


def _version_of(module: str, deep: bool = False) -> str | None:
    """The installed version; only `deep` imports the module (which also catches a broken install)."""
    if importlib.util.find_spec(module) is None:
        return None
    if not deep:
        try:
            return importlib.metadata.version(DISTRIBUTIONS.get(module, module))
        except importlib.metadata.PackageNotFoundError:
            return "installed"
    try:
        mod = importlib.import_module(module)
    except Exception as exc:  # a broken install is as bad as a missing one
        return f"broken ({type(exc).__name__}: {exc})"
    return getattr(mod, "__version__", "installed")


# module -> distribution, where the two names differ
DISTRIBUTIONS = {"psycopg": "psycopg", "kobart_transformers": "kobart-transformers", "yaml": "PyYAML"}
REQUIRED = {
    "transformers": "transformers", "peft": "peft", "trl": "trl", "datasets": "datasets",
    "accelerate": "accelerate", "tokenizers": "tokenizers", "kiwipiepy": "kiwipiepy",
    "bm25s": "bm25s", "streamlit": "streamlit", "sqlalchemy": "sqlalchemy", "pydantic": "pydantic",
    "sacrebleu": "sacrebleu",
}
# Only training and the learned style engines need these: missing is fine for an app-only install.
TRAINING = {"transformers", "peft", "trl", "datasets", "accelerate", "tokenizers", "sacrebleu"}
OPTIONAL = {
    "wandb": ("wandb", "pip install 'maeum[wandb]'  (only for report_to: wandb)"),
    "psycopg": ("psycopg", "pip install 'maeum[postgres]'  (only for a PostgreSQL database)"),
    "playwright": ("playwright", "pip install 'maeum[dev]'  (browser test of the app)"),
}


def run_checks(deep: bool = False) -> list[Check]:
    """Every check; `deep` also imports torch (CUDA, bf16, bitsandbytes) and each package.

    Without `deep` nothing heavy is imported (seconds instead of a minute): versions come
    from the installed package metadata.
    """
    checks = [Check("python", "ok" if sys.version_info >= (3, 10) else "missing",
                    f"{platform.python_version()} ({sys.executable})", "maeum needs Python >= 3.10",
                    required=True)]
    checks += _torch_checks() if deep else _torch_metadata_checks()
    for label, module in REQUIRED.items():
        ver = _version_of(module, deep)
        ok = ver is not None and not ver.startswith("broken")
        training = module in TRAINING
        fix = "pip install -e '.[train]'  (training only)" if training else "pip install -e .  (from the maeum checkout)"
        checks.append(Check(label, "ok" if ok else "missing", ver or "not installed",
                            "" if ok else fix, required=not training))
    kobart = importlib.util.find_spec("kobart_transformers") is not None
    checks.append(Check("kobart-transformers", "ok" if kobart else "missing",
                        "installed" if kobart else "not installed",
                        "" if kobart else "pip install kobart-transformers", required=True))
    for label, (module, fix) in OPTIONAL.items():
        ver = _version_of(module, deep)
        checks.append(Check(f"optional: {label}", "ok" if ver else "info", ver or "not installed",
                            "" if ver else fix))
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    checks.append(Check("optional: chromium", "ok" if chromium else "info", chromium or "not found",
                        "" if chromium else "apt-get install chromium  (browser test of the app)"))
    checks += _folder_checks()
    checks += _hub_checks()
    return checks


def _torch_metadata_checks() -> list[Check]:
    """torch without importing it (2-5 s): its version, and CUDA when the build says so."""
    ver = _version_of("torch")
    if ver is None:
        return [Check("torch", "info", "not installed",
                      "for training or a local model: pip install torch  (see README: CPU or CUDA build)")]
    if "+cpu" in ver:
        cuda = Check("cuda", "info", "not usable (CPU-only torch build): training runs on CPU, 4-bit QLoRA is off",
                     "on a GPU machine: pip install torch==2.13.0 (the default Linux wheel has CUDA)")
    else:
        cuda = Check("cuda", "info", "not checked (maeum doctor --deep imports torch to look for a GPU)")
    return [Check("torch", "ok", ver), cuda]


def _torch_checks() -> list[Check]:
    ver = _version_of("torch")
    if ver is None or ver.startswith("broken"):
        return [Check("torch", "missing", ver or "not installed",
                      "pip install torch==2.13.0  (CUDA build on a GPU Linux machine)", required=True)]
    import torch

    out = [Check("torch", "ok", ver, required=True)]
    if torch.cuda.is_available():
        names = ", ".join(torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count()))
        bf16 = torch.cuda.is_bf16_supported()
        out.append(Check("cuda", "ok", f"CUDA {torch.version.cuda}: {names}; bf16 {'yes' if bf16 else 'no'}"))
    else:
        why = "CPU-only torch build" if torch.version.cuda is None else "no GPU visible"
        out.append(Check("cuda", "info", f"not usable ({why}): training runs on CPU, 4-bit QLoRA is off",
                         "on a GPU machine: pip install torch==2.13.0 (the default Linux wheel has CUDA)"))
    bnb = _version_of("bitsandbytes")
    if bnb is None:
        out.append(Check("bitsandbytes", "missing", "not installed", "pip install bitsandbytes  (4-bit QLoRA)"))
    elif bnb.startswith("broken"):
        out.append(Check("bitsandbytes", "missing", bnb, "reinstall bitsandbytes matching your CUDA"))
    else:
        usable = torch.cuda.is_available()
        out.append(Check("bitsandbytes", "ok" if usable else "info",
                         f"{bnb}; 4-bit loading {'available' if usable else 'needs CUDA (not here)'}"))
    return out


def _folder_checks() -> list[Check]:
    out = []
    personas = paths.personas_dir()
    out.append(Check("personas folder", "ok" if personas and personas.is_dir() else "missing",
                     str(personas) if personas else "not found",
                     "" if personas else f"set {paths.PERSONAS_ENV} to a folder of persona YAML files",
                     required=True))
    data = paths.data_dir()
    out.append(Check("data folder", "ok" if data else "missing", str(data) if data else "not found",
                     "" if data else f"set {paths.DATA_ENV} to maeum's data/ folder", required=True))
    shared = paths.shared_data_dir()
    out.append(Check("public datasets (../shared/data)", "ok" if shared else "info",
                     str(shared) if shared else "not found",
                     "" if shared else f"optional: set {paths.SHARED_DATA_ENV} to a folder with "
                                       "smilestyle/ and chatbot_data/"))
    return out


def _hub_checks() -> list[Check]:
    cache = os.environ.get("HF_HUB_CACHE") or os.environ.get("HF_HOME") or os.path.expanduser("~/.cache/huggingface")
    offline = os.environ.get("HF_HUB_OFFLINE", "0") not in ("", "0", "false", "False")
    return [
        Check("hub cache", "info", cache, "set HF_HOME to move the model cache"),
        Check("hub offline mode", "info", "on (HF_HUB_OFFLINE=1)" if offline else "off",
              "" if offline else "without internet, set HF_HUB_OFFLINE=1 and pass local model paths"),
    ]


def format_checks(checks: list[Check]) -> str:
    width = max(len(c.name) for c in checks)
    lines = []
    for c in checks:
        line = f"[{c.status:^7}] {c.name:<{width}}  {c.detail}"
        if c.fix and c.status != "ok":
            line += f"\n{'':>{width + 12}}→ {c.fix}"
        lines.append(line)
    return "\n".join(lines)
