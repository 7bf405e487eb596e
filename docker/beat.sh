#!/bin/sh
# Queues the periodic tasks. Started by docker-compose.yml and by the CI smoke test
# (.ci/smoke.py). The schedule file goes to /tmp by default: the image's loket user cannot
# write to /app; the smoke test points BEAT_SCHEDULE at its own temporary folder.
set -eu

exec celery -A loket beat --loglevel=info --schedule="${BEAT_SCHEDULE:-/tmp/celerybeat-schedule}"
