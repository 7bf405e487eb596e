#!/bin/sh
# Serves the portal with gunicorn. docker-compose.yml (after web-entrypoint.sh) and the CI smoke
# test (.ci/smoke.py) both start web with this script, so CI boots what compose runs.
# GUNICORN_BIND and WEB_CONCURRENCY let the smoke test listen on a free local port. Nothing uses
# gunicorn's control socket (~/.gunicorn/gunicorn.ctl), and a second gunicorn on one machine
# would take over the first one's, so it is off.
set -eu

exec gunicorn loket.wsgi:application \
    --bind="${GUNICORN_BIND:-0.0.0.0:8000}" \
    --workers="${WEB_CONCURRENCY:-3}" \
    --access-logfile=- \
    --no-control-socket
