from rustforge.contrib.export import resources as r
from rustforge.http import route

routes = [
    route("/", r.ExportIndex, name="index"),
    route("/jobs/{id}", r.ExportJobResource, name="job"),
    route("/download/{token}", r.ExportDownload, name="download"),
    route("/{name}.{fmt}", r.ExportResource, name="export"),
]
