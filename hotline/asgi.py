import os
import sys

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")
application = get_asgi_application()

from hotline.security import development_key_refusal  # noqa: E402 (needs the settings)

if refusal := development_key_refusal():
    sys.exit(refusal)  # the sentence on stderr and exit status 1, for any ASGI server
