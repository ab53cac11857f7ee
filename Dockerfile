# syntax=docker/dockerfile:1
# The Undercurrent image: one entry point for every role (worker, judge-worker, web, replay).
#   docker build -t undercurrent:local .
#   docker run --rm undercurrent:local worker

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
# pyproject.toml names README.md as the package readme, so the build needs it.
COPY pyproject.toml README.md ./
COPY service ./service
RUN python -m venv /opt/venv && /opt/venv/bin/pip install .

FROM python:3.11-slim
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
