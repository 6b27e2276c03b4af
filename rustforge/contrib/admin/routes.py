from rustforge.http import route

# NOTE(memory): resources are named by dotted path, imported by their first
# request (docs/architecture.md, heavy libraries load on first use).
R = "rustforge.contrib.admin.resources."
E = "rustforge.contrib.admin.editing."

routes = [
    route("/", R + "Dashboard", methods=("GET",), name="index"),
    route("/{app}/{model}", R + "ChangeListPage", methods=("GET", "POST"), name="changelist"),
    route("/{app}/{model}/add", E + "AddPage", methods=("GET", "POST"), name="add"),
    route("/{app}/{model}/autocomplete", R + "AutocompletePage", methods=("GET",),
          name="autocomplete"),
    route("/{app}/{model}/{pk}/{view}", E + "ObjectPage", methods=("GET", "POST"),
          name="object"),
]
