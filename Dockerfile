# tokencost: the Slack bot's web process (`serve`) or, with another command, its clock.
#   docker build -t tokencost .
#   docker run -p 3000:3000 --env-file .env tokencost                  # web
#   docker run --env-file .env tokencost python -m bot clock            # clock
# With DATABASE_URL (docker-compose.yml) every process shares PostgreSQL; without it the
# SQLite file lives in /app/data (mount a volume there, and run one container).

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY requirements.txt .
RUN python -m venv /venv && /venv/bin/pip install -r requirements.txt
COPY pyproject.toml README.md ./
COPY prices prices
COPY faq faq
COPY bot bot
RUN /venv/bin/pip install --no-deps .
# Bake tiktoken's encoding files in: the running container needs no download for exact counts.
# hadolint ignore=DL3064
ENV TIKTOKEN_CACHE_DIR=/opt/tiktoken
RUN /venv/bin/python -c "import prices, sys; s = prices.load_encodings(); print(s); sys.exit(any(v != 'ok' for v in s.values()))"

FROM python:3.11-slim
# hadolint ignore=DL3064
ENV PATH=/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    TIKTOKEN_CACHE_DIR=/opt/tiktoken \
    PORT=3000
RUN useradd --system --uid 10001 --create-home --home-dir /app tokencost
COPY --from=build /venv /venv
COPY --from=build /opt/tiktoken /opt/tiktoken
WORKDIR /app
RUN mkdir -p /app/data && chown tokencost:tokencost /app/data && chmod 700 /app/data
USER 10001:10001
EXPOSE 3000
# Liveness: /healthz answers without touching the database (/readyz checks it).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=4)"]
STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot", "serve"]
