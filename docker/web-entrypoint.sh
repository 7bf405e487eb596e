#!/bin/sh
# Prepares the database and static files, then runs the given command (gunicorn).
# Only the web service runs this, so worker and beat never race it to migrate.
set -eu

python manage.py migrate --noinput
python manage.py collectstatic --noinput --verbosity 0

exec "$@"
