from rustforge.http import route
from testproject.oauthdemo import resources

routes = [
    route("/profile", resources.Profile, name="profile"),
    route("/session-profile", resources.SessionProfile, name="session-profile"),
    *resources.NotebookResource.routes("/notebooks", name="notebooks"),
]
