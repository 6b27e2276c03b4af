
# --- Added for the benchmark: the TechEmpower routes -------------------------
from django.urls import path as _path

from world import views as _views

urlpatterns += [  # noqa: F821
    _path("json", _views.json),
    _path("plaintext", _views.plaintext),
    _path("db", _views.db),
    _path("queries", _views.queries),
    _path("fortunes", _views.fortunes),
    _path("updates", _views.updates),
    _path("me", _views.me),
    _path("form", _views.form),
    _path("posts", _views.posts),
]
