# The README's two commands: `make demo` and `make test`. Everything they need is set up here,
# so a fresh machine with python3 (and root for apt, for the browser tests) is enough.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export SMPOLICY_DATA_DIR ?= $(CURDIR)/data

.PHONY: demo test lint bench install install-test runtime-packages debian-packages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

# The sign-in tests run a real OpenID provider (node's certified oidc-provider, from npm) and a
# real SAML identity provider (samlify, from npm).
OIDC_FIXTURE := tests/fixtures/oidc
SAML_FIXTURE := tests/fixtures/saml

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	@command -v npm >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }
	cd $(OIDC_FIXTURE) && npm ci --no-audit --no-fund --silent
	cd $(SAML_FIXTURE) && npm ci --no-audit --no-fund --silent

# Debian's packages. At run time: tesseract reads text in images (evidence, post pictures),
# wbritish tells everyday words from pupils' names, DejaVu fonts for the PDFs. For the tests:
# Chromium, driven by Playwright (whose own browser download cannot reach the internet).
RUNTIME_DEBIAN := fonts-dejavu-core tesseract-ocr tesseract-ocr-eng wbritish
TEST_DEBIAN := $(RUNTIME_DEBIAN) chromium
define apt_install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ] && [ "$$(id -u)" = 0 ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	elif [ -n "$$missing" ]; then \
	  echo "Missing Debian packages (install them as root):$$missing"; \
	fi
endef

runtime-packages:
	$(call apt_install,$(RUNTIME_DEBIAN))

debian-packages:
	$(call apt_install,$(TEST_DEBIAN))

demo: install runtime-packages
	$(BIN)/smpolicy demo

test: install-test debian-packages
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(BIN)/python debian-packages
	$(BIN)/pip install --quiet -e ".[bench]"
	$(BIN)/python bench/decisions.py
	$(BIN)/python bench/post_quality.py
	$(BIN)/python bench/post_speed.py
	$(BIN)/python bench/logscan.py

clean:
	rm -rf $(VENV) data build src/*.egg-info $(OIDC_FIXTURE)/node_modules $(SAML_FIXTURE)/node_modules
