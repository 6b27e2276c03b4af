from rustforge.contrib.admin.editing import AddPage, ObjectPage
from rustforge.contrib.admin.resources import AutocompletePage, ChangeListPage, Dashboard
from rustforge.http import route

routes = [
    route("/", Dashboard, name="index"),
    route("/{app}/{model}", ChangeListPage, name="changelist"),
    route("/{app}/{model}/add", AddPage, name="add"),
    route("/{app}/{model}/autocomplete", AutocompletePage, name="autocomplete"),
    route("/{app}/{model}/{pk}/{view}", ObjectPage, name="object"),
]
