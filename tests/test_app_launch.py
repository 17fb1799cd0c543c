"""`maeum ui` -> the streamlit command line and environment (no server is started)."""

from __future__ import annotations

import argparse
import subprocess
import sys

from serving.app import APP_SCRIPT, app_environment, server_command, streamlit_command


def _args(**kw):
    base = dict(port=None, address=None, generator=None, model=None, adapter=None, database=None,
                chatbotdata=None)
    base.update(kw)
    return argparse.Namespace(**base)


def test_command_runs_the_app_script_with_server_flags():
    command = streamlit_command(_args(port=8765))
    assert command[:4] == [sys.executable, "-m", "streamlit", "run"]
    assert command[4] == str(APP_SCRIPT) and APP_SCRIPT.is_file()
    flags = dict(arg[2:].split("=", 1) for arg in command[5:])
    assert flags["server.headless"] == "true"
    assert flags["browser.gatherUsageStats"] == "false"
    assert flags["server.fileWatcherType"] == "none"
    assert flags["server.port"] == "8765"
    assert flags["server.address"] == "127.0.0.1"  # not open to the network unless asked


def test_maeum_ui_runs_the_same_command_through_serve():
    """`maeum ui` runs Streamlit inside `serving.app.serve` (which starts the build first)."""
    command = server_command(_args(port=8765))
    assert command[:5] == [sys.executable, "-m", "serving.app.serve", "run", str(APP_SCRIPT)]
    assert command[5:] == streamlit_command(_args(port=8765))[5:]


def test_serve_hands_its_arguments_to_streamlit(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": ":".join(sys.path),
           "MAEUM_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}", "MAEUM_GENERATOR": "offline"}
    done = subprocess.run([sys.executable, "-m", "serving.app.serve", "version"], capture_output=True, text=True,
                          timeout=120, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("Streamlit, version")


def test_address_option_and_defaults(monkeypatch):
    monkeypatch.delenv("MAEUM_UI_ADDRESS", raising=False)
    monkeypatch.delenv("MAEUM_UI_PORT", raising=False)
    flags = dict(arg[2:].split("=", 1) for arg in streamlit_command(_args(address="0.0.0.0"))[5:])
    assert flags["server.address"] == "0.0.0.0"
    assert flags["server.port"] == "8501"
    flags = dict(arg[2:].split("=", 1) for arg in streamlit_command(None)[5:])
    assert flags["server.address"] == "127.0.0.1"


def test_options_become_settings_environment():
    env = app_environment(_args(generator="transformers", model="/m", adapter="/a",
                                database="sqlite:////tmp/x.db", chatbotdata="/d.csv"), base={})
    assert env["MAEUM_GENERATOR"] == "transformers"
    assert env["MAEUM_MODEL"] == "/m"
    assert env["MAEUM_ADAPTER"] == "/a"
    assert env["MAEUM_DATABASE_URL"] == "sqlite:////tmp/x.db"
    assert env["MAEUM_CHATBOTDATA_PATH"] == "/d.csv"

    from serving.config import ServingSettings

    settings = ServingSettings.load(env=env)
    assert settings.generator == "transformers"
    assert settings.model_name_or_path == "/m"
    assert settings.adapter_path == "/a"
    assert settings.database_url == "sqlite:////tmp/x.db"
    assert settings.chatbotdata_path == "/d.csv"


def test_unset_options_leave_the_environment_alone():
    env = app_environment(_args(), base={"MAEUM_GENERATOR": "openai"})
    assert env["MAEUM_GENERATOR"] == "openai"
    assert "MAEUM_MODEL" not in env


def test_no_model_means_offline_mode(monkeypatch):
    from serving.config import ServingSettings

    env = app_environment(_args(), base={})
    assert ServingSettings.load(env=env).offline_mode


def test_relative_paths_are_made_absolute(tmp_path, monkeypatch):
    (tmp_path / "personas").mkdir()
    monkeypatch.chdir(tmp_path)
    env = app_environment(_args(personas_dir="personas", model="yanolja/EEVE-Korean-Instruct-10.8B-v1.0"),
                          base={})
    assert env["MAEUM_PERSONAS_DIR"] == str(tmp_path / "personas")
    assert env["MAEUM_MODEL"] == "yanolja/EEVE-Korean-Instruct-10.8B-v1.0"
