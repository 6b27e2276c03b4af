from rustforge.http import route

# NOTE(memory): resources are named by dotted path, imported by their first
# request (docs/architecture.md, heavy libraries load on first use).
R = "rustforge.contrib.export.resources."

routes = [
    route("/", R + "ExportIndex", methods=("GET",), name="index"),
    route("/jobs/{id}", R + "ExportJobResource", methods=("GET",), name="job"),
    route("/download/{token}", R + "ExportDownload", methods=("GET",), name="download"),
    route("/{name}.{fmt}", R + "ExportResource", methods=("GET",), name="export"),
]
