"""``/healthz`` (the process answers) and ``/readyz`` (the database and Chroma answer). No token."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.schemas import Health, Ready, ReadyCheck

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="存活检查 / liveness")
def healthz() -> Health:
    return Health(status="ok")


@router.get("/readyz", response_model=Ready, summary="就绪检查：数据库与 Chroma / readiness",
            responses={503: {"model": Ready, "description": "未就绪 / not ready"}})
def readyz(request: Request) -> JSONResponse:
    stores = getattr(request.app.state, "stores", None)
    checks: dict[str, ReadyCheck] = {}
    if stores is None:
        checks["database"] = ReadyCheck(ok=False, detail="stores not open")
    else:
        try:
            checks["database"] = ReadyCheck(ok=True, detail=stores.records.ping())
        except Exception as exc:  # noqa: BLE001 — readiness reports, never raises
            checks["database"] = ReadyCheck(ok=False, detail=f"{type(exc).__name__}: {exc}")
        settings = stores.settings
        try:
            if settings.chroma_url or settings.chroma_dir.exists():
                stores.vectors.client.heartbeat()
                checks["chroma"] = ReadyCheck(ok=True, detail="server" if settings.chroma_url else "persistent")
            else:
                checks["chroma"] = ReadyCheck(ok=True, detail="not created yet (no vectors)")
        except Exception as exc:  # noqa: BLE001
            checks["chroma"] = ReadyCheck(ok=False, detail=f"{type(exc).__name__}: {exc}")
    ok = all(c.ok for c in checks.values())
    body = Ready(status="ready" if ok else "not_ready", checks=checks)
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)
