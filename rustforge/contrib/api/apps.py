from rustforge.apps import AppConfig


class ApiConfig(AppConfig):
    name = "rustforge.contrib.api"
    label = "api"
    verbose_name = "API description"
    url_prefix = "/api"
