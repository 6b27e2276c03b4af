from rustforge.apps import AppConfig


class TfbConfig(AppConfig):
    name = "tfb"
    # The TechEmpower routes live at the site root.
    url_prefix = ""
