"""Settings for a developer's machine and `make run`: debug on, static files from the source."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Schema and Swagger UI open to anyone on a developer's machine.
API_DOCS_PUBLIC = env.bool("API_DOCS_PUBLIC", default=True)
