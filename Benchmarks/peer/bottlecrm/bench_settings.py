"""BottleCRM's own settings, changed only where the benchmark needs: DEBUG off, SQLite, a long-lived JWT."""
import datetime
import os

from crm.settings import *  # noqa: F401,F403

DEBUG = False
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["BOTTLECRM_DB"]}}
# Its tasks modules make their own Celery apps, which read the broker from the environment (memory://).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "memory://")
# Its logging writes every request to server.log in the working directory; errors still go to stderr.
LOGGING = {"version": 1, "disable_existing_loggers": False}
JWT_AUTH = {"JWT_EXPIRATION_DELTA": datetime.timedelta(hours=12)}
