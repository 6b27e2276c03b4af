"""The test project with its services taken from the environment.

Used by the queue and rate-limit tests for the subprocesses they start (an
rqworker, gunicorn workers), so that those use the test's database, Redis
and memcached.
"""

import os

from rustforge.conf import global_settings
from testproject.settings import *

DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:///db.sqlite3")
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_URL = os.environ.get("CACHE_URL", "locmem://")
# Background exports write their files where the test reads them.
STORAGE_ROOT = os.environ.get("STORAGE_ROOT") or None
RATELIMIT_FAIL_OPEN = os.environ.get("RATELIMIT_FAIL_OPEN", "1") == "1"
# The rate-limit tests count requests to /worklog/plain across gunicorn workers.
MIDDLEWARE = [*global_settings.MIDDLEWARE, "rustforge.ratelimit.RateLimitMiddleware"]
RATELIMITS = {"plain": {"rate": "10/m", "paths": ["/worklog/plain"]}}
