# Two entry points on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test venv system-tools lint bench clean

# promtool (Debian's prometheus package) checks and unit-tests the rule files;
# Alertmanager and Chromium serve the end-to-end and browser tests.
SYSTEM_TOOLS := promtool:prometheus prometheus-alertmanager:prometheus-alertmanager chromium:chromium

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

system-tools:
	@missing=""; for pair in $(SYSTEM_TOOLS); do \
	  tool=$${pair%%:*}; pkg=$${pair##*:}; command -v $$tool >/dev/null 2>&1 || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null \
	  || { echo "could not install$$missing: install them with apt-get and run again" >&2; exit 1; }; \
	fi

demo: $(STAMP)
	$(BIN)/undercurrent demo

test: $(STAMP) system-tools
	$(BIN)/ruff check service tests bench dashboards
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check service tests bench dashboards

bench: $(STAMP)
	$(BIN)/python bench/worker_throughput.py

clean:
	rm -rf $(VENV) .pytest_cache
