# The README's two commands: `make demo` and `make test`. Everything they need is set up here,
# so a fresh machine with python3 (and root for apt, for the browser tests) is enough.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export SMPOLICY_DATA_DIR ?= $(CURDIR)/data

.PHONY: demo test lint bench install install-test debian-packages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"

# Debian's packages: Chromium drives the browser tests (Playwright's own download cannot reach
# the internet); tesseract reads text in images (evidence, post images); DejaVu fonts for PDFs.
DEBIAN_PACKAGES := chromium fonts-dejavu-core tesseract-ocr tesseract-ocr-eng
debian-packages:
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

demo: install
	$(BIN)/smpolicy demo

test: install-test debian-packages
	$(BIN)/ruff check src tests bench
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/decisions.py

clean:
	rm -rf $(VENV) data build src/*.egg-info
