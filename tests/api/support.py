"""Helpers of the API and browser tests: small synthetic files and job polling."""

from __future__ import annotations

import io
import json
import os
import random
import socket
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'

# Flags for Debian's chromium in a sandbox without a display, GPU or network.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

def small_scan(path: Path, seed: int = 5, height: int = 480) -> Path:
    """A small image-only PDF (the top of a scanned 自评表: title, header and funds rows), made with
    the corpus' scan renderer and cropped so OCR stays quick."""
    from eval.synth.build import make_draft
    from eval.synth.cells import choose_style
    from eval.synth.corpus import _who
    from eval.synth.layouts import project_grid
    from eval.synth.render_scan import DPI, render_image

    rng = random.Random(seed)
    draft = make_draft(rng, _who(rng, "mof"), "mof", n_max=3)
    image = render_image(project_grid(draft, choose_style(rng, len(draft.inds), plain=True)))
    buf = io.BytesIO()
    image.crop((0, 0, image.size[0], height)).save(buf, "PDF", resolution=DPI)
    path.write_bytes(buf.getvalue())
    return path


def with_text_replaced(src: Path, dst: Path, old: str, new: str) -> Path:
    """A copy of a .docx (XML text) or .xlsx (cell values) with ``old`` replaced by ``new``."""
    if src.suffix == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(src)
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and old in cell.value:
                        cell.value = cell.value.replace(old, new)
        book.save(dst)
        return dst
    from xml.sax.saxutils import escape

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.endswith(".xml"):
                data = data.replace(escape(old).encode(), escape(new).encode())
            zout.writestr(info, data)
    return dst


def project_name(path: Path) -> str:
    labels = json.loads(path.with_name(f"{path.stem}.labels.json").read_text(encoding="utf-8"))
    return labels["expected"]["evaluations"][0]["project_name"]


def wait_job(client, headers: dict[str, str], job_id: str, timeout: float = 120.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/v1/jobs/{job_id}", headers=headers).json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served(settings: Any) -> Iterator[str]:
    """The app on ``settings``, served by a real uvicorn in a thread on a free loopback port; yields
    its URL and stops it on exit (the browser tests talk to it as a reviewer's browser would)."""
    import uvicorn

    from api.app import create_app

    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=free_port(),
                                          log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def log_in(page: Any, url: str, token: str) -> None:
    """Log ``page`` in through the login form, as a reviewer pastes their token."""
    page.goto(url + "/login")
    page.fill("#token", token)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(url + "/")


class Chromium:
    """One Debian chromium driven by Playwright, in its own profile directory, launched on the first
    :meth:`page` (``chromium_path``, which skips when chromium is absent, is a per-test fixture, so a
    module-scoped holder cannot launch in its constructor).

    Page errors, dialogs (dismissed) and console errors are collected in ``events`` so a test can
    assert that no script failed; ``requests`` lists every URL the page asked for."""

    def __init__(self, profile: Path, *, height: int = 800, timeout_ms: int = 30_000,
                 events: list[str] | None = None, requests: list[str] | None = None) -> None:
        self.profile, self.height, self.timeout_ms = profile, height, timeout_ms
        self.events: list[str] = [] if events is None else events
        self.requests: list[str] = [] if requests is None else requests
        self._pw: Any = None
        self._context: Any = None
        self._page: Any = None

    def page(self, executable: str, url: str = "", token: str = "") -> Any:
        """The page, launched on first call and logged in to ``url`` when a ``token`` is given."""
        if self._page is None:
            from playwright.sync_api import sync_playwright

            self._pw = sync_playwright().start()
            self._context = self._pw.chromium.launch_persistent_context(
                str(self.profile), executable_path=executable, args=CHROMIUM_ARGS, headless=True,
                viewport={"width": 1366, "height": self.height}, locale="zh-CN", accept_downloads=True)
            self._context.set_default_timeout(self.timeout_ms)
            page = self._context.pages[0] if self._context.pages else self._context.new_page()
            events = self.events
            page.on("pageerror", lambda e: events.append(f"pageerror: {e}"))
            page.on("dialog", lambda d: (events.append(f"dialog: {d.message}"), d.dismiss()))
            page.on("console", lambda m: events.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
            page.on("request", lambda r: self.requests.append(r.url))
            if token:
                log_in(page, url, token)
            self._page = page
        return self._page

    def close(self) -> None:
        if self._context is not None:
            self._context.close()
        if self._pw is not None:
            self._pw.stop()
        self._pw = self._context = self._page = None


@contextmanager
def chromium_session(profile: Path, executable: str, url: str = "", token: str = "", **options: Any) -> Iterator[Chromium]:
    """A :class:`Chromium` for one ``with`` block (its page already open and logged in when a token
    is given); closed on exit."""
    browser = Chromium(profile, **options)
    try:
        browser.page(executable, url, token)
        yield browser
    finally:
        browser.close()


def screenshot_dir() -> Path:
    """Where browser tests leave their screenshots: ``$ZIPING_SCREENSHOTS`` or a fresh temporary folder."""
    return Path(os.environ.get("ZIPING_SCREENSHOTS") or tempfile.mkdtemp(prefix="ziping-shots-"))
