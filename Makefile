# Two entry points on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test venv system-tools lint bench soak clean deploy-tools chart-rules generate lock image image-test

# promtool (Debian's prometheus package) checks and unit-tests the rule files;
# Alertmanager and Chromium serve the end-to-end and browser tests; buildah and debootstrap build
# the image that tests/image runs.
SYSTEM_TOOLS := promtool:prometheus prometheus-alertmanager:prometheus-alertmanager chromium:chromium buildah:buildah debootstrap:debootstrap

# Every package comes from the hash-locked requirements/dev.txt (all extras: demo, bench,
# dashboards, test tools); the package itself is installed editable on top, without resolving.
$(STAMP): pyproject.toml requirements/dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements/dev.txt
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/pip check
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

# Most integration tests wait on brokers, timers and subprocesses rather than the CPU, so three
# pytest-xdist workers shorten the suite even on two cores; TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= 3
# mypy --strict over service/undercurrent, configured in pyproject.toml ([tool.mypy]).
test: $(STAMP) system-tools deploy-tools
	$(BIN)/ruff check service tests bench dashboards tools
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS)

lint: $(STAMP)
	$(BIN)/ruff check service tests bench dashboards tools
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/worker_throughput.py

# 20 minutes of a real worker at half its calibrated rate: RSS, consumer lag, open sessions, close latency.
soak: $(STAMP)
	$(BIN)/python bench/soak.py

# helm 3 and 4, docker compose and the CRD validators, fetched once into .tools/ (see tools/install.py).
deploy-tools: $(STAMP)
	@$(BIN)/python tools/install.py >/dev/null

# Helm reads only files inside the chart: refresh its copy of the rule files after changing them.
chart-rules:
	rm -f helm/undercurrent/files/prometheus-rules/*.yml
	cp deploy/prometheus/rules/*.yml helm/undercurrent/files/prometheus-rules/

# Every generated file from the code that defines it: the rule files, the chart's copy of them, the
# event and record JSON Schemas and the dashboards. Each has a test that fails when the committed file is stale.
generate: $(STAMP)
	$(BIN)/python -m undercurrent.estimate.rules > deploy/prometheus/rules/estimates.yml
	$(BIN)/python -m undercurrent.estimate.assisted_rules > deploy/prometheus/rules/assisted.yml
	$(BIN)/python -m undercurrent.estimate.agreement_rules > deploy/prometheus/rules/agreement.yml
	$(BIN)/python -m undercurrent.metrics.incoherence_rules > deploy/prometheus/rules/incoherence.yml
	$(BIN)/undercurrent slo generate
	$(BIN)/python -m undercurrent.events.schema
	$(BIN)/python -m undercurrent.records.schema
	$(BIN)/python -m dashboards.build
	$(MAKE) --no-print-directory chart-rules

# Hash-locked requirements from pyproject.toml with pip-tools, through pip's own index settings.
# Pins already in the files are kept; `make lock PIP_COMPILE_ARGS=--upgrade` moves them.
PIP_COMPILE = CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe \
	--strip-extras --no-emit-index-url --no-emit-find-links --all-build-deps $(PIP_COMPILE_ARGS)
lock: $(STAMP)
	$(PIP_COMPILE) -o requirements/runtime.txt pyproject.toml
	$(PIP_COMPILE) --extra replay -c requirements/runtime.txt -o requirements/replay.txt pyproject.toml
	$(PIP_COMPILE) --all-extras -c requirements/runtime.txt -o requirements/dev.txt pyproject.toml

# The image, built with buildah (no Docker engine here) from the Dockerfile; see tools/image.py.
IMAGE ?= undercurrent:local
image: $(STAMP)
	@command -v buildah >/dev/null 2>&1 && command -v debootstrap >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends buildah debootstrap >/dev/null; }
	$(BIN)/python tools/image.py build --tag $(IMAGE)

# Builds the image and runs it (minutes, so not part of `make test`).
image-test: image
	UNDERCURRENT_TEST_IMAGE=$(IMAGE) $(BIN)/python -m pytest -q -m image tests/image

clean:
	rm -rf $(VENV) .pytest_cache
