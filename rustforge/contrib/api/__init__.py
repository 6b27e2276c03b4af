"""``rustforge.contrib.api``: the OpenAPI description and its documentation page.

    INSTALLED_APPS = [..., "rustforge.contrib.api"]

serves ``/api/openapi.json`` and ``/api/docs`` (the mount point is the app's
``url_prefix``, ``/api``; change it with ``URL_PREFIXES = {"api": "/v1"}``).
"""
