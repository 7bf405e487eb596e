import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loket.settings.dev")

app = Celery("loket")
# Every CELERY_* setting configures the app; see loket/settings/base.py.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["loket"], related_name="tasks")
