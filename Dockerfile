# One image for web, worker and beat; docker-compose.yml picks the command for each.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=loket.settings.prod

WORKDIR /app

# The pinned lock first, so a code change does not reinstall every package.
COPY requirements/base.txt requirements/base.txt
RUN pip install -r requirements/base.txt

COPY . .

# Babel compiles the .po catalogues, so the image needs no GNU gettext.
RUN pybabel compile --directory locale --domain django

# The code stays root-owned and read-only for the app; only collected static files and
# uploads (a named volume mounted on /app/media) are written at run time.
RUN useradd --create-home --uid 1000 loket \
    && mkdir -p /app/staticfiles /app/media \
    && chown loket:loket /app/staticfiles /app/media \
    && chmod +x docker/*.sh
USER loket

EXPOSE 8000
# The default command serves the portal; worker and beat replace it with docker/worker.sh and
# docker/beat.sh.
CMD ["/app/docker/web-entrypoint.sh", "/app/docker/web.sh"]
