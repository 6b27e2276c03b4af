from rustforge.contrib.api.resources import OpenAPIDocument, OpenAPIPage
from rustforge.http import route

routes = [
    route("/openapi.json", OpenAPIDocument, name="openapi"),
    route("/docs", OpenAPIPage, name="docs"),
]
