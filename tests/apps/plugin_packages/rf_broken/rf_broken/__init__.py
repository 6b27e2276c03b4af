import rf_missing_dependency  # noqa: F401 - the point: a dependency that is not installed
