"""The test app's contribution to the project schema (found by discovery)."""

from rustforge.contrib.graphql import ModelType, ObjectType, authenticated, field, schema, staff
from rustforge.contrib.graphql.mutations import FormErrors

from .forms import CommentForm
from .models import Author, Comment, Post


@schema.register
class AuthorType(ModelType):
    model = Author
    relations = ["posts"]
    field_permissions = {"email": authenticated}


@schema.register
class PostType(ModelType):
    model = Post
    relations = ["comments"]
    scopes = ("read",)

    @field("Int!", description="Words in the body.")
    def word_count(post, info):
        return len(post.body.split())


@schema.register
class CommentType(ModelType):
    model = Comment


schema.list("posts", PostType)
schema.item("post", PostType)
schema.list("authors", AuthorType)
schema.model_mutations(PostType, permissions={"create": authenticated, "update": authenticated,
                                              "delete": staff}, scopes=("write",))


def add_comment(info, data):
    post = Post.get_or_none(Post.id == data["post_id"])
    if post is None:
        raise FormErrors({"postId": ["No such post."]})
    return Comment.create(post=post, author=data["author_id"], body=data["body"])


schema.form_mutation("addComment", CommentForm, returns="Comment", resolve=add_comment,
                     permission=authenticated)


@schema.register
class StatsType(ObjectType):
    """A hand-written type: counts over the blog."""

    description = "Counts over the blog."

    @field("Int!")
    def post_count(stats, info):
        return Post.select().count()

    @field("[String!]!", args={"prefix": "String!"}, permission=staff)
    def author_names(stats, info, prefix):
        return [a.name for a in Author.select().where(Author.name.startswith(prefix))]


@schema.query("Stats!")
def stats(root, info):
    return StatsType()


@schema.query("String!", description="Always fails: shows how errors are masked.")
def boom(root, info):
    raise RuntimeError("secret detail: SELECT password FROM users")
