import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smpolicy.web.settings")
application = get_wsgi_application()

# Temporary uploads and text reading a restart interrupted are caught up on, in the background.
from smpolicy.web.startup import start_in_background  # noqa: E402

start_in_background()
