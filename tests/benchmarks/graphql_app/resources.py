from lists.models import Author, Post
from rustforge.resources import ModelResource, Nested


class AuthorResource(ModelResource):
    model = Author
    fields = ["id", "name"]


class PostResource(ModelResource):
    model = Post
    fields = ["id", "title", "body", "author"]
    actions = ("list",)
    author = Nested(AuthorResource)
