"""Legacy Office and WPS files → OOXML through LibreOffice headless, kept warm for a batch.

``.doc``/``.wps`` become ``.docx`` and ``.xls``/``.et`` become ``.xlsx``; the normal docx/xlsx
readers then read the copy, so tables, merges, sheets, rows and columns are those of the
original (LibreOffice keeps cell positions and sheet names) and the document keeps the
original's name and format.

Starting LibreOffice costs seconds, converting a form costs a fraction of one, so one
``soffice`` listens on a private pipe for the whole process and a small worker in the system
Python (:mod:`.uno_worker`, which has LibreOffice's ``uno`` module) feeds it one file at a time.
Without ``python3-uno`` each file gets its own ``soffice --convert-to`` (slow but correct). Both
run with a private profile directory, so they neither touch nor wait for a user's LibreOffice,
and with a timeout: a file that hangs the converter is reported and the converter restarted.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from ingest.errors import ConversionFailed, ConverterMissing

TIMEOUT = 60.0  # seconds for one file; a real form converts in well under 2 s
START_TIMEOUT = 60.0  # seconds for soffice to start listening (cold start on a busy machine)
SYSTEM_PYTHON = "/usr/bin/python3"
PACKAGES = "libreoffice-writer-nogui / libreoffice-calc-nogui"

# target suffix → LibreOffice export filter
FILTERS = {"docx": "MS Word 2007 XML", "xlsx": "Calc MS Excel 2007 XML",
           "doc": "MS Word 97", "xls": "MS Excel 97", "odt": "writer8", "ods": "calc8",
           # a text document as PDF: how the drafts' 公文 layout is checked (tests/assistant/drafting)
           "pdf": "writer_pdf_Export"}


def soffice_path() -> str | None:
    """``ZIPING_SOFFICE`` when set (LibreOffice installed elsewhere), else the one on PATH."""
    configured = os.environ.get("ZIPING_SOFFICE")
    if configured:
        return configured if Path(configured).exists() else None
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    fixed = Path("/usr/lib/libreoffice/program/soffice")
    return str(fixed) if fixed.exists() else None


def convert_timeout() -> float:
    """Seconds one conversion may take: ``ZIPING_CONVERT_TIMEOUT`` when set, else :data:`TIMEOUT`.
    An environment setting so that it reaches the reading processes (ingest/pool.py forwards it)."""
    try:
        configured = float(os.environ.get("ZIPING_CONVERT_TIMEOUT") or 0)
    except ValueError:
        configured = 0
    return configured if configured > 0 else TIMEOUT


def has_uno() -> bool:
    return Path(SYSTEM_PYTHON).exists() and Path("/usr/lib/python3/dist-packages/uno.py").exists()


class Converter:
    """One warm LibreOffice for many files; thread-safe (one conversion at a time)."""

    def __init__(self, timeout: float | None = None) -> None:
        self.timeout = timeout if timeout is not None else convert_timeout()
        self._lock = threading.Lock()
        self._office: subprocess.Popen | None = None
        self._worker: subprocess.Popen | None = None
        self._profile: Path | None = None
        self.starts = 0  # how many times soffice was started (the bench and tests read it)

    def convert(self, src: Path, dst: Path, *, save_password: str | None = None) -> Path:
        """Write ``src`` converted to ``dst`` (format from ``dst``'s suffix); raise IngestError."""
        soffice = soffice_path()
        if soffice is None:
            raise ConverterMissing(f"请安装 Debian 软件包 {PACKAGES}（make install 会自动安装） / "
                                   f"install the Debian packages {PACKAGES}")
        fmt = dst.suffix.lstrip(".").lower()
        with self._lock:
            if not has_uno():
                if save_password:
                    raise ConversionFailed("设置密码需要 python3-uno / saving with a password needs python3-uno")
                return self._convert_once(soffice, src, dst)
            self._ensure_started(soffice)
            request = {"src": str(src.resolve()), "dst": str(dst.resolve()), "filter": FILTERS[fmt]}
            if save_password:
                request["save_password"] = save_password
            reply = self._ask(request)
        if not reply.get("ok"):
            raise ConversionFailed(f"LibreOffice 无法打开或转换该文件：{reply.get('error', '')}"[:300])
        if not dst.exists() or dst.stat().st_size == 0:
            raise ConversionFailed("LibreOffice 没有输出转换结果 / no output from LibreOffice")
        return dst

    # ------------------------------------------------------------------ warm listener

    def _ensure_started(self, soffice: str) -> None:
        if self._office is not None and self._office.poll() is None and self._worker is not None \
                and self._worker.poll() is None:
            return
        self.stop()
        self._profile = Path(tempfile.mkdtemp(prefix="ziping-lo-profile-"))
        pipe = f"ziping_{os.getpid()}_{self.starts}"
        self._office = subprocess.Popen(
            [soffice, "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
             "--nofirststartwizard", f"-env:UserInstallation={self._profile.as_uri()}",
             f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        worker = Path(__file__).with_name("uno_worker.py")
        self._worker = subprocess.Popen(
            [SYSTEM_PYTHON, str(worker), pipe, str(START_TIMEOUT)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            start_new_session=True, env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(self._profile)})
        self.starts += 1
        ready = self._read_line(START_TIMEOUT + 5)
        if not ready or not json.loads(ready).get("ready"):
            self.stop()
            raise ConversionFailed("LibreOffice 启动失败或超时 / LibreOffice did not start")

    def _ask(self, request: dict) -> dict:
        assert self._worker is not None and self._worker.stdin is not None
        try:
            self._worker.stdin.write(json.dumps(request, ensure_ascii=False) + "\n")
            self._worker.stdin.flush()
        except (BrokenPipeError, OSError) as e:
            self.stop()
            raise ConversionFailed(f"LibreOffice 转换进程已退出 / the converter exited: {e}") from e
        line = self._read_line(self.timeout)
        if line is None:
            crashed = self._office is None or self._office.poll() is not None
            self.stop()  # a hung or dead office is restarted for the next file
            if crashed:
                raise ConversionFailed("LibreOffice 在转换时崩溃 / LibreOffice crashed on this file")
            raise ConversionFailed(f"转换超时（{self.timeout:.0f} 秒），文件可能已损坏 / "
                                   f"conversion timed out after {self.timeout:.0f} s")
        return json.loads(line)

    def _read_line(self, timeout: float) -> str | None:
        assert self._worker is not None and self._worker.stdout is not None
        deadline = time.monotonic() + timeout
        out = self._worker.stdout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([out], [], [], min(0.5, max(0.0, deadline - time.monotonic())))
            if ready:
                line = out.readline()
                return line or None  # "" = the worker exited
            if self._office is not None and self._office.poll() is not None:
                return None  # soffice died: do not wait for the timeout
        return None

    def stop(self) -> None:
        for proc in (self._worker, self._office):
            if proc is not None and proc.poll() is None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        for proc in (self._worker,):
            if proc is not None and proc.stdin is not None:
                for stream in (proc.stdin, proc.stdout):
                    with contextlib.suppress(OSError, AttributeError):
                        stream.close()
        self._office = self._worker = None
        if self._profile is not None:
            shutil.rmtree(self._profile, ignore_errors=True)
            self._profile = None

    # ------------------------------------------------------------------ one-shot fallback

    def _convert_once(self, soffice: str, src: Path, dst: Path) -> Path:
        fmt = dst.suffix.lstrip(".").lower()
        with tempfile.TemporaryDirectory(prefix="ziping-lo-") as tmp:
            profile = Path(tmp) / "profile"
            outdir = Path(tmp) / "out"
            proc = subprocess.Popen(
                [soffice, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
                 "--convert-to", f"{fmt}:{FILTERS[fmt]}", "--outdir", str(outdir), str(src)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True)
            try:
                proc.wait(timeout=self.timeout + START_TIMEOUT)
            except subprocess.TimeoutExpired as e:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                raise ConversionFailed(f"转换超时（{self.timeout:.0f} 秒） / conversion timed out") from e
            self.starts += 1
            produced = outdir / f"{src.stem}.{fmt}"
            if not produced.exists() or produced.stat().st_size == 0:
                raise ConversionFailed("LibreOffice 无法打开或转换该文件 / LibreOffice could not convert the file")
            shutil.move(str(produced), dst)
        return dst


_shared: Converter | None = None
_shared_lock = threading.Lock()


def shared_converter() -> Converter:
    """The process-wide converter: started on the first legacy file, stopped at exit."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Converter()
            atexit.register(_shared.stop)
        return _shared
