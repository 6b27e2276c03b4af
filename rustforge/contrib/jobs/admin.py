"""The jobs dashboard, linked from the admin's front page for staff users."""

from __future__ import annotations

from rustforge.contrib import admin

admin.site.add_link("Background jobs", "jobs:dashboard")
