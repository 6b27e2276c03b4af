from rustforge.http import route
from testproject.worklog import resources

routes = [
    route("/entries", resources.Entries, name="entries"),
]
