"""``/api/v1/submissions/{sid}/preview``: the original file as a page, opened at a finding's cell.

.docx/.xlsx (and .doc/.wps/.xls/.et) are drawn as HTML by :mod:`ingest.preview` with the finding's
cell marked; a PDF is shown as its page's image. The page is shown in a frame of the submission
page: it carries its own policy — no script at all, styles only with this response's nonce — so
nothing from a document can run even if a text slipped through unescaped.
"""

from __future__ import annotations

import base64
import secrets
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.deps import CurrentUser, StoresDep, TemplatesDep
from api.schemas import ApiError, errors, not_found
from assistant.model import Finding, Location
from ingest.errors import IngestError
from ingest.pipeline import original_path
from ingest.preview import HTML_FORMATS, cached_preview, pdf_page_png

router = APIRouter(prefix="/submissions", tags=["submissions"])


def _policy(nonce: str) -> str:
    return (f"default-src 'none'; style-src 'nonce-{nonce}'; img-src data:; frame-ancestors 'self'; "
            "base-uri 'none'; form-action 'none'")


def _place(finding: Finding) -> Location:
    """Where to open: the finding's own cell, else the first of its rows that names a cell."""
    loc = finding.location
    if loc.row is None and loc.paragraph is None:
        for occ in finding.occurrences:
            if occ.location.row is not None:
                return occ.location
    return loc


@router.get("/{sid}/preview", response_class=HTMLResponse, summary="原件预览（定位到审核发现的单元格）",
            description="Word、Excel（含 .doc/.wps/.xls/.et）按表格绘制，审核发现所指单元格加亮；PDF 显示所在页的图像。"
                        "`finding` 给出审核发现；或直接给 `table`/`row`/`col`（0 起）、`sheet`、`paragraph`、`page`。"
                        "页面不运行任何脚本。",
            responses={200: {"content": {"text/html": {}}}, **errors(401, 404, 415, 422)})
def preview(
    sid: str, request: Request, stores: StoresDep, templates: TemplatesDep, _user: CurrentUser,
    finding: Annotated[str | None, Query(max_length=64, description="审核发现编号")] = None,
    table: Annotated[int | None, Query(ge=0, le=10_000)] = None,
    row: Annotated[int | None, Query(ge=0, le=1_048_576)] = None,
    col: Annotated[int | None, Query(ge=0, le=16_384)] = None,
    sheet: Annotated[str | None, Query(max_length=256)] = None,
    paragraph: Annotated[int | None, Query(ge=0, le=1_000_000)] = None,
    page: Annotated[int | None, Query(ge=1, le=100_000)] = None,
) -> HTMLResponse:
    summary = stores.records.get_summary(sid)
    if summary is None or not summary.format:
        raise not_found("这份材料", "submission")
    path = original_path(stores, sid, summary.format)
    if not path.exists():
        raise not_found("这份材料的原始文件", "original file")
    loc = Location(table=table, row=row, col=col, sheet=sheet, paragraph=paragraph, page=page)
    if finding is not None:
        found = next((f for f in stores.records.get_findings(sid, include_resolved=True) if f.id == finding), None)
        if found is None:
            raise not_found("这条审核发现", "finding")
        loc = _place(found)
    cache = stores.settings.files_dir / "previews" / f"{sid}.json"
    context: dict = {"file_name": summary.file_name or sid, "place": loc.describe(), "nonce": secrets.token_urlsafe(16)}
    try:
        if summary.format in HTML_FORMATS:
            shown = cached_preview(path, cache, name=summary.file_name)
            target = shown.target(loc)
            context.update(body=shown.marked(target), target=target)
        elif summary.format == "pdf":
            # the cell's box from the reader's own read of the file (cached): outlined on its page
            found = cached_preview(path, cache, name=summary.file_name).box(loc) if loc.row is not None else None
            page_no, box = found if found else (loc.page or 1, None)
            shot = pdf_page_png(path, page_no, cache, box=box)
            context.update(image="data:image/png;base64," + base64.b64encode(shot.png).decode(), page=shot.page,
                           # where the #hit anchor sits on the image, in % of its height (set in the nonce'd style)
                           hit_top=round(100 * shot.mark[1] / shot.size[1], 2) if shot.mark else None)
        else:
            raise ApiError(415, "no_preview", "这种格式的原件不能预览，请下载查看",
                           f"no preview for .{summary.format} files")
    except IngestError as e:
        raise ApiError(422, "unreadable", f"原件无法预览：{e}", f"the original cannot be previewed: {e}") from e
    return templates.TemplateResponse(request, "preview.html", context, headers={
        "Content-Security-Policy": _policy(context["nonce"]), "X-Frame-Options": "SAMEORIGIN",
        "Cache-Control": "private, no-store"})

