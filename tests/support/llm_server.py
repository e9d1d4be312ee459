"""Run a command against a local OpenAI-compatible model server; ``make test-llm`` uses it.

::

    python -m tests.support.llm_server --python .venv-llm/bin/python --model m.gguf -- pytest -m llm

starts ``llama_cpp.server`` (from its own venv, so the product venv stays lean) on a free port,
waits until ``/v1/models`` answers, runs the command with ``ZIPING_LLM_BASE_URL`` /
``ZIPING_LLM_MODEL`` / ``ZIPING_LLM_API_KEY`` pointing at it, and always stops the server —
also when the command fails or the run is interrupted. Exits with the command's exit code.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

MODEL_NAME = "gemma3-270m"  # the alias the server answers to; any name works for one model


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_ready(base_url: str, server: subprocess.Popen[bytes], timeout: float) -> str:
    """The served model's id, once ``/v1/models`` answers; raises when the server dies or is late."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the model server exited with code {server.returncode} before it was ready")
        try:
            with urllib.request.urlopen(f"{base_url}/models", timeout=2) as r:
                return json.load(r)["data"][0]["id"]
        except OSError:  # not listening yet (connection refused, reset, timeout)
            time.sleep(0.5)
    raise RuntimeError(f"the model server did not answer {base_url}/models within {timeout:.0f} s")


def stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--python", required=True, help="python of the venv that has llama-cpp-python[server]")
    ap.add_argument("--model", required=True, type=Path, help="the .gguf file to serve")
    ap.add_argument("--chat-format", default="gemma")
    ap.add_argument("--n-ctx", type=int, default=4096)
    ap.add_argument("--timeout", type=float, default=180.0, help="seconds to wait for the server")
    ap.add_argument("--log", type=Path, default=Path("data/models/llama-server.log"))
    ap.add_argument("command", nargs="+", help="the command to run while the server is up (after --)")
    args = ap.parse_args(argv)

    port = free_port()
    base_url = f"http://127.0.0.1:{port}/v1"
    args.log.parent.mkdir(parents=True, exist_ok=True)
    # SIGTERM (e.g. from a CI timeout) must still reach the finally below
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with args.log.open("wb") as log:
        server = subprocess.Popen(
            [args.python, "-m", "llama_cpp.server", "--model", str(args.model), "--model_alias", MODEL_NAME,
             "--chat_format", args.chat_format, "--n_ctx", str(args.n_ctx),
             "--host", "127.0.0.1", "--port", str(port)],
            stdout=log, stderr=subprocess.STDOUT)
        try:
            started = time.monotonic()
            try:
                model = wait_until_ready(base_url, server, args.timeout)
            except RuntimeError as err:
                print(f"llm_server: {err}; last lines of {args.log}:\n{tail(args.log)}", file=sys.stderr)
                return 1
            print(f"llm_server: {model} ready at {base_url} after {time.monotonic() - started:.1f} s "
                  f"(log: {args.log})", flush=True)
            env = {**os.environ, "ZIPING_LLM_BASE_URL": base_url, "ZIPING_LLM_MODEL": model,
                   "ZIPING_LLM_API_KEY": "none"}
            return subprocess.call(args.command, env=env)
        finally:
            stop(server)


if __name__ == "__main__":
    sys.exit(main())
