# The ziping image used by docker-compose.yml (server, workers, migrations). Debian's Python 3.11,
# so that LibreOffice's Python bridge (python3-uno, for .doc/.wps/.xls/.et) matches it.
FROM debian:bookworm-slim

RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      python3 python3-venv fonts-wqy-microhei poppler-utils \
      libreoffice-writer-nogui libreoffice-calc-nogui python3-uno \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY assistant assistant
COPY ingest ingest
COPY api api
COPY eval eval
COPY prompts prompts
RUN python3 -m venv --system-site-packages /opt/ziping \
 && /opt/ziping/bin/pip install --no-cache-dir '.[postgres]'

ENV PATH=/opt/ziping/bin:$PATH \
    ZIPING_DATA_DIR=/data
VOLUME /data
EXPOSE 8000
CMD ["ziping", "serve", "--host", "0.0.0.0", "--port", "8000"]
