from rustforge.apps import AppConfig


class ProtectedConfig(AppConfig):
    name = "protected"
    url_prefix = "/api"
