from protected.resources import BearerProfile, SessionProfile
from rustforge.http import route

routes = [
    route("/bearer", BearerProfile, name="bearer"),
    route("/session", SessionProfile, name="session"),
]
