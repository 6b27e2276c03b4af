from rustforge.http import route
from testproject.worklog import resources

routes = [
    route("/entries", resources.Entries, name="entries"),
    route("/cached", resources.CachedPage, name="cached"),
    route("/limited", resources.Limited, name="limited"),
    route("/plain", resources.Plain, name="plain"),
    route("/pid", resources.Plain, name="pid"),
    route("/hooked", resources.Hooked, name="hooked"),
]
