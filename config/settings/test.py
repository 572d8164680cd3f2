"""Settings for the test suite: fast hashing, eager Celery, media in a temporary folder."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-secret-key-polri-belajar"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="polri-belajar-media-"))
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="polri-belajar-static-"))
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_USE_FINDERS = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run in-process unless a test asks for the real broker.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None}}  # noqa: F405
LANGUAGE_CODE = "id"
# Login lockout counts failures across tests and needs `request` in authenticate(); the suite
# turns it off and tests/security/ turns it back on where lockout is the subject.
AXES_ENABLED = False
# The suite reads the schema and docs anonymously (schemathesis loads it at collection);
# tests/security/test_api_docs.py checks the production default (signed-in only) both ways.
API_DOCS_PUBLIC = True
