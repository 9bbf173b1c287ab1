# Production image: front-end packages from npm at build time, then the Django app.
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim-bookworm
# The code runs from /app (PYTHONPATH), so web, worker, beat and manage.py see every app.
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=config.settings.base
RUN apt-get update && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/* && useradd --create-home --uid 1000 diemcau
WORKDIR /app
# The dependencies first, in a layer of their own that a change of code does not rebuild.
COPY pyproject.toml ./
RUN python -c "import subprocess, sys, tomllib; \
deps = tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']; \
subprocess.check_call([sys.executable, '-m', 'pip', 'install', '--no-cache-dir', *deps])"
COPY . .
COPY --from=assets /build/node_modules ./node_modules
# DEBUG=1 for this one command: the production settings want real secrets, which a build
# must never hold.
RUN DEBUG=1 python manage.py collectstatic --noinput \
    && mkdir -p /app/var /srv/media && chown -R diemcau /app/var /srv/media
USER diemcau
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4"]
