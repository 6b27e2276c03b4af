from rustforge.apps import AppConfig


class SampleConfig(AppConfig):
    name = "rf_sample"
    label = "sample"
    url_prefix = "/sample"
