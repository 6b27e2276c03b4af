from rustforge.apps import AppConfig


class ListsConfig(AppConfig):
    name = "lists"
    url_prefix = "/rest"
