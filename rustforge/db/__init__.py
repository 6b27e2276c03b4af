"""Database layer: the project database, the Model base class, transactions.

    from peewee import CharField, TextField
    from rustforge.db import Model, atomic, on_commit

    class Post(Model):
        title = CharField(max_length=200)
        body = TextField()

    with atomic():
        post = Post.create(title="Hi", body="...")
        on_commit(lambda: notify(post.id))
"""

from rustforge.db.connection import atomic, database, end_request, get_database, on_commit
from rustforge.db.models import Model
from rustforge.db.softdelete import SoftDeleteModel

__all__ = ["Model", "SoftDeleteModel", "atomic", "database", "end_request", "get_database",
           "on_commit"]
