# ziping — two commands on a fresh machine:  make run  |  make test
# Everything below creates .venv when missing and installs what it needs first.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Debian packages the product and its tests use: a CJK font for PDFs, chromium for the browser
# tests, poppler for page images. Installed with apt when missing (root, as on CI).
SYSTEM_PACKAGES := fonts-wqy-microhei chromium poppler-utils postgresql
SYSTEM_CHECK    := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc /usr/bin/chromium /usr/bin/pdftoppm /usr/lib/postgresql
DATA   ?= data

.PHONY: run test install system-deps lint eval eval-corpus bench clean help

help:
	@echo "make run    — 安装并启动（生成演示数据） / install and start on embedded defaults"
	@echo "make test   — 安装并运行全部测试 / install and run the whole test suite"
	@echo "make eval   — 评测（抽取、规则、问答、起草） / print the evaluation figures"
	@echo "make bench  — 性能基准 / print the benchmarks"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) system-deps

system-deps:
	@missing=""; for f in $(SYSTEM_CHECK); do [ -e $$f ] || missing="$$missing $$f"; done; \
	if [ -n "$$missing" ]; then \
	  echo "安装系统软件包 / installing system packages: $(SYSTEM_PACKAGES)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
	fi

run: install
	$(BIN)/ziping demo --data-dir $(DATA)/demo

test: install
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

eval-corpus: install
	test -f $(DATA)/eval-corpus/.complete || ($(BIN)/ziping synth --n 300 --seed 7 --out $(DATA)/eval-corpus && touch $(DATA)/eval-corpus/.complete)

eval: eval-corpus
	$(BIN)/python -m eval.run --corpus $(DATA)/eval-corpus

bench: eval-corpus
	$(BIN)/python -m eval.bench --corpus $(DATA)/eval-corpus

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
