"""The Streamlit app (`maeum ui`): chat with a persona, see the mood of a conversation.

`launch(args)` turns the `maeum ui` options into a `streamlit run` command line (run through
`serving.app.serve`, which starts the pipeline build first) and runs
it. Settings reach the script through the environment (`MAEUM_*`, read by
`ServingSettings`), so `streamlit run serving/app/main.py` with the same variables is the
same app. Importing this package does not import Streamlit.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

APP_SCRIPT = Path(__file__).resolve().parent / "main.py"

DEFAULT_ADDRESS = "127.0.0.1"
DEFAULT_PORT = 8501

# `maeum ui` option -> environment variable that ServingSettings reads.
ARG_ENV = {
    "generator": "MAEUM_GENERATOR",
    "model": "MAEUM_MODEL",
    "adapter": "MAEUM_ADAPTER",
    "database": "MAEUM_DATABASE_URL",
    "chatbotdata": "MAEUM_CHATBOTDATA_PATH",
    "personas_dir": "MAEUM_PERSONAS_DIR",
    "config": "MAEUM_CONFIG",
}

# Options that name local files or folders (a model may also be a hub id: left as given).
PATH_ARGS = {"chatbotdata", "personas_dir", "config", "adapter"}

# Theme: a warm, quiet palette (the app is for people who may be having a hard day).
THEME = {
    "theme.base": "light",
    "theme.primaryColor": "#D9687A",
    "theme.backgroundColor": "#FFFDFB",
    "theme.secondaryBackgroundColor": "#F7EFEA",
    "theme.textColor": "#2E2A28",
}


def server_flags(address: str, port: int) -> dict[str, str]:
    """Streamlit options for a server that people use, not a developer's live reload."""
    return {
        "server.headless": "true",
        "server.address": address,
        "server.port": str(port),
        "server.fileWatcherType": "none",
        "server.runOnSave": "false",
        "browser.gatherUsageStats": "false",
        "browser.serverAddress": address if address not in ("0.0.0.0", "::") else "localhost",
        "client.toolbarMode": "viewer",
        "client.showErrorDetails": "type",
        "global.developmentMode": "false",
        # No full garbage collection after every rerun (121-228 ms each with the pipeline
        # loaded); Python's own generational collector still runs.
        "runner.postScriptGC": "false",
        **THEME,
    }


def _arg(args: argparse.Namespace | None, name: str):
    return getattr(args, name, None) if args is not None else None


def app_environment(args: argparse.Namespace | None = None,
                    base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for the app process: `base` (default os.environ) plus the options given."""
    env = dict(os.environ if base is None else base)
    for attr, var in ARG_ENV.items():
        value = _arg(args, attr)
        if value in (None, ""):
            continue
        if attr in PATH_ARGS and Path(str(value)).expanduser().exists():
            value = Path(str(value)).expanduser().resolve()  # the same file whatever the app's cwd
        env[var] = str(value)
    password = _arg(args, "password")
    if password:
        env["MAEUM_PASSWORD"] = str(password)
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def address_and_port(args: argparse.Namespace | None = None) -> tuple[str, int]:
    address = _arg(args, "address") or os.environ.get("MAEUM_UI_ADDRESS") or DEFAULT_ADDRESS
    port = _arg(args, "port") or os.environ.get("MAEUM_UI_PORT") or DEFAULT_PORT
    return str(address), int(port)


def streamlit_command(args: argparse.Namespace | None = None) -> list[str]:
    """`python -m streamlit run serving/app/main.py --server.headless=true ...`."""
    flags = server_flags(*address_and_port(args))
    return [sys.executable, "-m", "streamlit", "run", str(APP_SCRIPT),
            *[f"--{key}={value}" for key, value in flags.items()]]


def server_command(args: argparse.Namespace | None = None) -> list[str]:
    """What `maeum ui` runs: `streamlit_command`'s arguments through `serving.app.serve`,
    which starts building the pipeline in the server process before Streamlit starts."""
    return [sys.executable, "-m", "serving.app.serve", *streamlit_command(args)[3:]]


def check_options(args: argparse.Namespace | None = None) -> None:
    """Fail on the terminal, before the server starts, on options that cannot work."""
    from maeum.errors import MaeumError

    problems = []
    for attr in sorted(PATH_ARGS):
        value = _arg(args, attr)
        if value not in (None, "") and not Path(str(value)).expanduser().exists():
            problems.append(f"--{attr.replace('_', '-')} {value}: 파일이나 폴더가 없어요 (no such file or folder)")
    try:
        _address, port = address_and_port(args)
        if not 1 <= port <= 65535:
            problems.append(f"--port {port}: 1에서 65535 사이여야 해요 (must be 1-65535)")
    except ValueError as exc:
        problems.append(f"MAEUM_UI_PORT: 숫자가 아니에요 (not a number: {exc})")
    if problems:
        raise MaeumError("maeum ui를 시작하지 않았어요 (not started):\n  " + "\n  ".join(problems))


def launch(args: argparse.Namespace | None = None) -> int:
    """Run the app in the foreground until Ctrl-C.

    On POSIX the `maeum ui` process becomes the Streamlit server (exec), so a service
    manager's SIGTERM or a test's terminate() stops the server itself and leaves no orphan.
    Elsewhere it runs Streamlit as a child and returns its exit status.
    """
    check_options(args)
    command = server_command(args)
    env = app_environment(args)
    host, port = address_and_port(args)
    shown = "localhost" if host in ("0.0.0.0", "::") else host
    print(f"maeum ui: http://{shown}:{port}  (Ctrl-C to stop)", file=sys.stderr, flush=True)
    if os.name == "posix":
        sys.stdout.flush()
        os.execve(command[0], command, env)  # does not return
    try:
        return subprocess.call(command, env=env)
    except KeyboardInterrupt:
        return 130
