#!/bin/sh
# Runs the queued tasks (e-mails among them). Started by docker-compose.yml and by the CI smoke
# test (.ci/smoke.py), so both run the same worker.
set -eu

exec celery -A loket worker --loglevel=info
