# chanjiao API image. Configure with DATABASE_URL (PostgreSQL for anything beyond one city)
# and CHANJIAO_SECRET_KEY; the container migrates the database, then serves.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app
RUN useradd --create-home --uid 10001 chanjiao

COPY pyproject.toml constraints.txt README.md alembic.ini ./
COPY models ./models
COPY matching ./matching
COPY rules ./rules
COPY service ./service
COPY seed ./seed
COPY migrations ./migrations
RUN pip install -c constraints.txt . && chown -R chanjiao /app

USER chanjiao
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"
CMD ["sh", "-c", "chanjiao db upgrade && chanjiao seed catalog && chanjiao serve --host 0.0.0.0 --port 8000 --workers ${WORKERS:-2}"]
