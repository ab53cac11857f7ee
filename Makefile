# Two entry points on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test venv system-tools lint bench clean deploy-tools chart-rules

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

test: $(STAMP) system-tools deploy-tools
	$(BIN)/ruff check service tests bench dashboards tools
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check service tests bench dashboards tools

bench: $(STAMP)
	$(BIN)/python bench/worker_throughput.py

# helm 3 and 4, docker compose and the CRD validators, fetched once into .tools/ (see tools/install.py).
deploy-tools: $(STAMP)
	@$(BIN)/python tools/install.py >/dev/null

# Helm reads only files inside the chart: refresh its copy of the rule files after changing them.
chart-rules:
	rm -f helm/undercurrent/files/prometheus-rules/*.yml
	cp deploy/prometheus/rules/*.yml helm/undercurrent/files/prometheus-rules/

clean:
	rm -rf $(VENV) .pytest_cache
