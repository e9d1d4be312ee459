"""``ziping synth`` / ``ziping demo`` on an install without the ``eval`` extra: a clear message, no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# reportlab made unimportable, as on a product install without ziping[eval]
PROBE = """
import sys
sys.modules["reportlab"] = None
sys.argv = ["ziping", "synth", "--n", "1", "--out", sys.argv[1]]
from api.cli import main
main()
"""


def test_synth_without_the_eval_extra_says_what_to_install(tmp_path):
    done = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path / "corpus")], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "ziping[eval]" in done.stderr and "reportlab" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "corpus").exists() or not any((tmp_path / "corpus").iterdir())
