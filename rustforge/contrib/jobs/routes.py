from rustforge.http import route

# NOTE(memory): resources are named by dotted path, imported by their first
# request (docs/architecture.md, heavy libraries load on first use).
R = "rustforge.contrib.jobs.resources."

routes = [
    route("/", R + "Dashboard", methods=("GET",), name="dashboard"),
    route("/failed/{job_id}/retry", R + "FailedJob", methods=("POST",), name="retry",
          suffix="retry"),
    route("/failed/{job_id}/delete", R + "FailedJob", methods=("POST",), name="delete",
          suffix="delete"),
    route("/failed/retry-all", R + "FailedJob", methods=("POST",), name="retry-all",
          suffix="retry_all"),
]
