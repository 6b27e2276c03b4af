from rustforge.http import route
from tfb import resources

routes = [
    route("/json", resources.Json, name="json"),
    route("/plaintext", resources.Plaintext, name="plaintext"),
    route("/db", resources.Db, name="db"),
    route("/queries", resources.Queries, name="queries"),
    route("/fortunes", resources.Fortunes, name="fortunes"),
    route("/updates", resources.Updates, name="updates"),
    route("/me", resources.Me, name="me"),
    route("/form", resources.Note, name="form"),
    *resources.PostResource.routes("/posts", name="posts"),
]
