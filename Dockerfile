# syntax=docker/dockerfile:1
# The Undercurrent image: one entry point for every role (worker, judge-worker, web, replay).
#   make image                                         # buildah, see tools/image.py
#   docker build -t undercurrent:local .               # where a Docker engine runs
#   docker run --rm undercurrent:local worker
# Every Python package comes from a hash-locked requirements file (requirements/, `make lock`):
# runtime.txt by default; --build-arg REQUIREMENTS=replay adds the ShareGPT data for `replay`.

ARG BASE_IMAGE=python:3.11-slim-bookworm

FROM ${BASE_IMAGE} AS build
ARG REQUIREMENTS=runtime
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY requirements/${REQUIREMENTS}.txt requirements.txt
# Behind a TLS-inspecting proxy, pass its CA bundle for this step only:
#   --secret id=pip-ca,src=/etc/ssl/certs/ca-certificates.crt   (make image does when the file exists)
RUN --mount=type=secret,id=pip-ca \
    if [ -f /run/secrets/pip-ca ]; then export PIP_CERT=/run/secrets/pip-ca; fi \
    && python3 -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir --require-hashes --no-deps -r requirements.txt
# pyproject.toml names README.md as the package readme, so the build needs it.
COPY pyproject.toml README.md ./
COPY service ./service
RUN /opt/venv/bin/pip install --no-cache-dir --no-deps --no-build-isolation . \
    && /opt/venv/bin/pip check

FROM ${BASE_IMAGE}
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UNDERCURRENT_METRICS_HOST=0.0.0.0 \
    UNDERCURRENT_LOG_FORMAT=json
RUN useradd --system --uid 10001 --user-group --create-home --home-dir /var/lib/undercurrent \
        --shell /usr/sbin/nologin undercurrent
COPY --from=build /opt/venv /opt/venv
USER 10001:10001
# faust keeps its small local state in <app id>-data/ under the working directory.
WORKDIR /var/lib/undercurrent
EXPOSE 9464 8088
ENTRYPOINT ["undercurrent"]
CMD ["--help"]
