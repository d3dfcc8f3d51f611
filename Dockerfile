FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml ./
RUN pip install --upgrade pip && pip install .
COPY . .
RUN DEBUG=0 SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput

RUN useradd --create-home seatstore
USER seatstore
EXPOSE 8000
# Bind, workers (WEB_CONCURRENCY, sized to the cores) and an access log without link tokens.
CMD ["gunicorn", "--config", "python:seatstore.gunicorn_conf", "seatstore.wsgi"]
