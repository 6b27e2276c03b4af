from rustforge.contrib.jobs import resources as r
from rustforge.http import route

routes = [
    route("/", r.Dashboard, name="dashboard"),
    route("/failed/{job_id}/retry", r.FailedJob, name="retry", suffix="retry"),
    route("/failed/{job_id}/delete", r.FailedJob, name="delete", suffix="delete"),
    route("/failed/retry-all", r.FailedJob, name="retry-all", suffix="retry_all"),
]
