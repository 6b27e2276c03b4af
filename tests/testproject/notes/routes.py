from rustforge.http import route
from testproject.notes import resources

routes = [
    route("/", resources.NotebookList, name="list"),
    route("/leaky", resources.NotebookList, suffix="leaky", name="leaky"),
    route("/leaky-atomic", resources.NotebookList, suffix="leaky_atomic", name="leaky-atomic"),
    route("/connection", resources.ConnectionInfo, name="connection"),
    route("/by-id", resources.NotebookById, name="by-id"),
    route("/{id:int}", resources.NotebookDetail, name="detail"),
]
