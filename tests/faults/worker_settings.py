"""Settings of the Celery worker that the fault tests start in a subprocess.

The test settings, except that tasks go through the real broker, and media is the folder of the
test that started the worker (the test settings make a fresh temporary folder per process). The
database (`DATABASE_URL`, the pytest test database) and the broker (`CELERY_BROKER_URL`, a
private redis-server) come from the environment like everywhere else.
"""

import os
from pathlib import Path

from config.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
MEDIA_ROOT = Path(os.environ["FAULTS_MEDIA_ROOT"])
