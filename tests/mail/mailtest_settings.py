"""Settings of the rq worker process started by the queued-mail tests.

The test passes its SMTP server and Redis through the environment.
"""

import os

from testproject.settings import *  # noqa: F403

EMAIL_URL = os.environ["MAILTEST_EMAIL_URL"]
REDIS_URL = os.environ["MAILTEST_REDIS_URL"]
DATABASE_URL = "sqlite:///:memory:"
