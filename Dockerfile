# studybot: the Discord or the Slack bot (or the terminal one), settings from the environment.
#   docker build -t studybot .
#   docker run -d --env-file .env -v studybot-data:/data studybot discord     (or: slack, slack --http)
# The builder installs the package into a virtual environment with the same `pip install .` as
# `make`; the final image gets that environment only: no compiler, no sources, no pip cache.

FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/studybot
WORKDIR /src
# .dockerignore lets in only what the package needs (no .env, no database, no tests).
COPY . .
RUN /opt/studybot/bin/python -m pip install . \
    && /opt/studybot/bin/studybot content check

FROM python:3.11-slim-bookworm
# DejaVu Sans: the /progress picture's font, with French accents (without it the picture is
# drawn with Pillow's own font, which has none).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core=2.37-6 \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --no-log-init --uid 10001 --user-group \
        --home-dir /data --no-create-home --shell /usr/sbin/nologin studybot \
    && mkdir /data \
    && chown studybot:studybot /data
COPY --from=build /opt/studybot /opt/studybot
# HEALTH_HOST 0.0.0.0: reachable by the orchestrator and a Prometheus scraper on the container
# network; do not publish port 8080 to the internet. SLACK_HOST 0.0.0.0: HTTP mode's port 3000
# is published behind the HTTPS proxy.
ENV PATH="/opt/studybot/bin:${PATH}" \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    STUDYBOT_DB=/data/studybot.db \
    HEALTH_HOST=0.0.0.0 \
    HEALTH_PORT=8080 \
    SLACK_HOST=0.0.0.0
WORKDIR /data
# Declared after the chown, so a new named volume starts owned by the studybot user.
VOLUME ["/data"]
# Numeric, so a platform that checks runAsNonRoot can verify it: 10001 is the studybot user.
USER 10001:10001
# 8080: /healthz and /metrics; 3000: Slack HTTP mode (`slack --http`), unused otherwise.
EXPOSE 8080 3000
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["studybot", "healthcheck", "--timeout", "8"]
# `docker stop` sends SIGTERM: the bot finishes in-flight answers and closes the database.
STOPSIGNAL SIGTERM
ENTRYPOINT ["studybot"]
CMD ["discord"]
