"""A type's page and its related batches run SQL compiled once per shape,
and the database receives what peewee would send (contrib.graphql.loaders)."""

import logging

import pytest
from tests_helpers import count_compilations, sent

PAGE = "query($after: String) { posts(first: 5, after: $after) " \
       "{ nodes { id title author { name email } } pageInfo { endCursor } } }"


@pytest.fixture
def statements(caplog):
    caplog.set_level(logging.DEBUG, logger="peewee")

    def taken():
        found = [r.msg for r in caplog.records if r.name == "peewee"]
        caplog.clear()
        return found

    return taken


def _pages(graphql_query):
    first = graphql_query(PAGE).json
    second = graphql_query(PAGE, {"after": first["data"]["posts"]["pageInfo"]["endCursor"]}).json
    return [first, second]


def test_same_answers_and_statements_as_peewee(graphql_query, db, blog, settings, statements):
    _pages(graphql_query)  # compiles
    statements()
    compiled = _pages(graphql_query)
    compiled_sql = statements()
    settings.DATABASE_FAST_PATH = False
    plain = _pages(graphql_query)
    plain_sql = statements()
    assert compiled == plain
    assert [n["title"] for n in compiled[1]["data"]["posts"]["nodes"]] == [
        f"Post {i}" for i in range(5, 10)]
    assert len(compiled_sql) == 4  # each page: posts, their authors
    assert [sent(s) for s in compiled_sql] == [sent(s) for s in plain_sql]


def test_compiled_once_per_shape(graphql_query, db, blog, monkeypatch):
    _pages(graphql_query)
    built = count_compilations(monkeypatch)
    pages = _pages(graphql_query)
    assert graphql_query("{ posts(first: 2) { nodes { author { name } } } }").json["data"]
    assert len(pages[0]["data"]["posts"]["nodes"]) == 5
    assert built == [1]  # only the 2 authors of the last page, a shape not seen before


def test_a_narrowed_get_query_goes_through_peewee(db, blog, statements):
    from testproject.gqlblog.models import Author, Post

    from rustforge.contrib.graphql import ModelType, Schema

    local = Schema()

    @local.register
    class WriterType(ModelType):
        model = Author
        fields = ["name"]

        @classmethod
        def get_query(cls, info):
            return Author.select().where(Author.name != "Author 1")

    @local.register
    class ArticleType(ModelType):
        model = Post
        fields = ["title", "author"]

        @classmethod
        def get_query(cls, info):
            return Post.select().where(Post.title.endswith("7"))

    local.list("articles", ArticleType)
    for _ in range(2):
        data = local.execute("{ articles(first: 3) { nodes { title author { name } } } }")
        assert data == {"data": {"articles": {"nodes": [
            {"title": "Post 7", "author": None},  # Author 1 is left out
            {"title": "Post 17", "author": {"name": "Author 2"}},
            {"title": "Post 27", "author": {"name": "Author 0"}}]}}}
    taken = [sql for sql, _params in statements()]
    assert all("LIKE" in sql or "!=" in sql or "<>" in sql for sql in taken[-2:]), taken


def test_a_related_row_loaded_earlier_is_checked_again_in_each_request(db, blog):
    """Rows that outlive a request (a resolver's own cache) keep what was
    loaded for them; another request still runs the target type's check."""
    from testproject.gqlblog.models import Author, Post

    from rustforge.contrib.graphql import ModelType, Schema, staff
    from rustforge.contrib.graphql.loaders import tag

    local = Schema()

    @local.register
    class WriterType(ModelType):
        model = Author
        fields = ["name"]
        permission = staff

    @local.register
    class ArticleType(ModelType):
        model = Post
        fields = ["title", "author"]

    kept = tag(list(Post.select().order_by(Post.id).limit(3)))

    @local.query("[Article!]!")
    def kept_articles(root, info):
        return kept

    class Boss:
        is_authenticated, is_staff = True, True

    query = "{ keptArticles { title author { name } } }"
    assert local.execute(query, user=Boss())["data"]["keptArticles"][2] == {
        "title": "Post 2", "author": {"name": "Author 2"}}
    refused = local.execute(query)
    assert [a["author"] for a in refused["data"]["keptArticles"]] == [None, None, None]
    assert [(e["path"], e["extensions"]["code"]) for e in refused["errors"]] == [
        (["keptArticles", i, "author"], "UNAUTHENTICATED") for i in range(3)]
