"""Settings of the rq worker process started by the queued-mail tests.

The test passes its SMTP server and Redis through the environment.
"""

import os

from testproject.settings import *

EMAIL_URL = os.environ["MAILTEST_EMAIL_URL"]
REDIS_URL = os.environ.get("MAILTEST_REDIS_URL", "")
DATABASE_URL = "sqlite:///:memory:"
# "Name <address>" entries separated by commas.
ADMINS = [entry.strip() for entry in os.environ.get("MAILTEST_ADMINS", "").split(",")
          if entry.strip()]
