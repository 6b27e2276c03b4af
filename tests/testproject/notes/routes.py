from rustforge.http import route
from testproject.notes import resources

routes = [
    route("/", resources.NotebookList, name="list"),
    route("/{id:int}", resources.NotebookDetail, name="detail"),
]
