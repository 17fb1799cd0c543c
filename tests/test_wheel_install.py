"""An installed wheel (not the checkout) finds its bundled personas and data."""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_install_finds_bundled_personas_and_data(tmp_path):
    wheel_dir = tmp_path / "wheel"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(wheel_dir), str(REPO)], capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr
    wheel = next(wheel_dir.glob("maeum-*.whl"))

    # A bare environment whose only maeum is the wheel; third-party libraries come from ours.
    env_dir = tmp_path / "env"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    env_python = env_dir / "bin" / "python"
    env_site = Path(subprocess.check_output([str(env_python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                            text=True).strip())
    (env_site / "deps.pth").write_text("\n".join(p for p in site.getsitepackages() if "site-packages" in p) + "\n")
    install = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--ignore-installed", "-q", "--prefix", str(env_dir),
                              str(wheel)], capture_output=True, text=True, timeout=300)
    assert install.returncode == 0, install.stderr

    clean_env = {k: v for k, v in os.environ.items() if not k.startswith("MAEUM_")}
    where = subprocess.run([str(env_python), "-c", "import maeum, sys; print(maeum.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path, env=clean_env)
    assert str(env_dir) in where.stdout, "the test must import the wheel, not the checkout"
    doctor = subprocess.run([str(env_python), "-m", "maeum", "doctor", "--json"], capture_output=True, text=True,
                            cwd=tmp_path, env=clean_env, timeout=300)
    checks = {c["name"]: c for c in json.loads(doctor.stdout)}
    assert checks["personas folder"]["status"] == "ok"
    assert checks["personas folder"]["detail"].startswith(str(env_dir))
    assert checks["data folder"]["detail"].startswith(str(env_dir))
    listed = subprocess.run([str(env_python), "-m", "maeum", "personas", "list"], capture_output=True, text=True,
                            cwd=tmp_path, env=clean_env, timeout=300)
    assert listed.returncode == 0, listed.stderr
    assert "counselor" in listed.stdout
