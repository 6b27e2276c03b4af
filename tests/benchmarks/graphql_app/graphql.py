from lists.models import Author, Post
from rustforge.contrib.graphql import ModelType, schema


@schema.register
class AuthorType(ModelType):
    model = Author


@schema.register
class PostType(ModelType):
    model = Post
    fields = ["id", "title", "body", "author"]


schema.list("posts", PostType)
