"""The app registry: ``apps`` and ``AppConfig``."""

from rustforge.apps.config import AppConfig
from rustforge.apps.registry import Apps, apps

__all__ = ["AppConfig", "Apps", "apps"]
