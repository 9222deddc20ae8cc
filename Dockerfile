FROM python:3.12-slim AS app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_PROJECT_ENVIRONMENT=/venv PATH=/venv/bin:$PATH
RUN pip install --no-cache-dir uv==0.13.8
WORKDIR /app
COPY pyproject.toml uv.lock .python-version ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
# collectstatic needs a key but no database; the real key comes from the environment.
RUN SECRET_KEY=collectstatic-only DEBUG=false python manage.py collectstatic --no-input -v 0
RUN useradd --system --no-create-home app && chown -R app /app
USER app
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health/', timeout=2)" || exit 1
# One container alone: the schema, then the ASGI server (docker-compose.yml runs the
# migration once, the web replicas and the worker as services of their own).
CMD ["sh", "-c", "python manage.py migrate --no-input && python manage.py reindex_documents && uvicorn config.asgi:application --host 0.0.0.0 --port 8000 --workers ${WEB_CONCURRENCY:-2} --proxy-headers"]
