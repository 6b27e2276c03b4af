"""Settings of the small project the framework's own tests run against."""

from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEBUG = False
SECRET_KEY = "test-secret-key-that-is-long-enough-for-the-checks-0123456789"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
INSTALLED_APPS = [
    "testproject.notes",
    "testproject.worklog",
    "testproject.shop",
    "rustforge.contrib.api",
    "rustforge.contrib.auth",
    "testproject.authdemo",
    "rustforge.contrib.mail",
    "rustforge.contrib.graphql",
    "testproject.gqlblog",
    "rustforge.contrib.ops",
]
ROOT_ROUTES = "testproject.urls"
TEMPLATE_DIRS = ["templates"]
