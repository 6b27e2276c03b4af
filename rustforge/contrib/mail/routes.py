from rustforge.http import route

# NOTE(memory): resources are named by dotted path, imported by their first
# request (docs/architecture.md, heavy libraries load on first use).
R = "rustforge.contrib.mail.resources."

routes = [
    route("/", R + "MessageList", methods=("GET",), name="list"),
    route("/{filename}", R + "MessageDetail", methods=("GET",), name="detail"),
    route("/{filename}/raw", R + "MessageDetail", methods=("GET",), name="raw", suffix="raw"),
    route("/{filename}/attachments/{index:int}", R + "MessageDetail", methods=("GET",),
          name="attachment", suffix="attachment"),
]
