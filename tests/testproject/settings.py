"""Settings of the small project the framework's own tests run against."""

from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEBUG = False
SECRET_KEY = "test-secret-key-that-is-long-enough-for-the-checks-0123456789"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
INSTALLED_APPS = [
    "testproject.notes",
    "testproject.catalog",
    "testproject.worklog",
    "testproject.shop",
    "rustforge.contrib.api",
    "rustforge.contrib.auth",
    "rustforge.contrib.oauth",
    "testproject.oauthdemo",
    "testproject.authdemo",
    "rustforge.contrib.mail",
    "rustforge.contrib.graphql",
    "testproject.gqlblog",
    "rustforge.contrib.tenancy",
    "testproject.crm",
    "rustforge.contrib.export",
    "testproject.ledger",
    "rustforge.contrib.admin",
    "testproject.blog",
    "rustforge.contrib.jobs",
    "rustforge.contrib.ops",
]
ROOT_ROUTES = "testproject.urls"
TEMPLATE_DIRS = ["templates"]
