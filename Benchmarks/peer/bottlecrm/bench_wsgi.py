"""gunicorn entry point: BottleCRM's WSGI application with the one setting its views read but Django drops."""
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench_settings")

from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
# Django keeps only upper-case settings, but BottleCRM's create views read settings.Domain.
settings.Domain = "127.0.0.1"
