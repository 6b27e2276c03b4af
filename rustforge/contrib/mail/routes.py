from rustforge.contrib.mail.resources import MessageDetail, MessageList
from rustforge.http import route

detail = MessageDetail()

routes = [
    route("/", MessageList, name="list"),
    route("/{filename}", detail, name="detail"),
    route("/{filename}/raw", detail, name="raw", suffix="raw"),
    route("/{filename}/attachments/{index:int}", detail, name="attachment", suffix="attachment"),
]
