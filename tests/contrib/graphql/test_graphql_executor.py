"""The executor's short path for plain leaf fields answers exactly what
graphql-core's own executor answers: data, errors, their paths and locations
(rustforge.contrib.graphql.executor)."""

import enum

import pytest
from graphql import Executor, GraphQLError, build_schema, execute, parse

from rustforge.contrib.graphql.executor import (
    NOT_READY,
    ColumnReader,
    DirectResolver,
    ShortPathExecutor,
    never_awaitable,
)

SDL = """
enum Color { RED GREEN }
type Row {
  id: ID!
  name: String!
  nickname: String
  size: Int
  color: Color
  greeting: String
  broken: String
  brokenStrict: String!
  fromMethod: String!
  keyed: ID
  renamed: String!
  custom: String
  withArg(times: Int): String
  buddy: Row
  strictBuddy: Row!
  flag: Boolean
  rawName: String!
}
type Checked { name: String }
type Holder {
  row: Row!
  rows: [Row!]!
  optional: Row
  maybeRows: [Row]
  strictItems: [Row!]
  tupleRows: [Row!]!
  checked: [Checked]
  notAList: [Row]
}
type Query {
  rows: [Row!]!
  strictRows: [Row!]!
  holder: Holder
  buddies: [Row]
  dicts: [Row!]!
}
"""


class Row:
    def __init__(self, id, name, *, nickname=None, size=1, color=None, greeting="hi",
                 keyed=None, renamed="r", buddy=None,
                 flag=True):
        self.id = id
        self.name = name
        self.nickname = nickname
        self.size = size
        self.color = color
        self.greeting = greeting
        self.__data__ = {"keyed": keyed, "name": name}
        self.renamed_attr = renamed
        self.buddy = buddy
        self.flag = flag

    @property
    def broken(self):
        raise RuntimeError("the property failed")

    @property
    def brokenStrict(self):  # a GraphQL field name
        raise GraphQLError("strict and broken")

    def fromMethod(self, info):  # graphql-core calls it with info
        return f"{info.field_name} of {self.id}"


class Buddy(DirectResolver):
    """An object field whose value is ready, or needs the full call ("later")."""

    def ready(self, row, context):
        assert context == "the context"
        if row.buddy == "later":
            return NOT_READY
        if row.buddy == "boom":
            raise RuntimeError("the buddy failed")
        return row.buddy

    def __call__(self, row, info):
        if row.buddy == "later":
            return Row(99, f"late for {info.path.prev.key}")
        return self.ready(row, info.context)


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"


def make_schema():
    schema = build_schema(SDL)
    fields = schema.type_map["Row"].fields
    fields["keyed"].resolve = ColumnReader("keyed", raw=True)
    fields["renamed"].resolve = ColumnReader("renamed_attr")
    fields["rawName"].resolve = ColumnReader("name", raw=True)
    fields["custom"].resolve = lambda row, info: f"custom {row.id} {info.path.key}"
    fields["withArg"].resolve = lambda row, info, times=1: row.name * times
    fields["buddy"].resolve = fields["strictBuddy"].resolve = Buddy()
    schema.type_map["Color"].values["RED"].value = Color.RED
    schema.type_map["Color"].values["GREEN"].value = Color.GREEN
    schema.type_map["Checked"].is_type_of = lambda value, info: isinstance(value, Row)
    return schema


ROWS = [Row(1, "one", nickname="uno", color=Color.RED, keyed=7, buddy=Row(20, "twenty")),
        Row(2, "two", size=2**40, color="not a color", buddy="later",  # cannot coerce
            flag="yes", nickname=5),
        Row("3", "three", greeting=ValueError("an exception as the value"), buddy="boom")]
BUDDIES = [Row(30, "thirty", buddy=Row(31, None)), Row(32, "x", buddy=ValueError("no buddy")),
           Row(33, "y", buddy=Row(34, "z")), Row(35, "w")]
ROOT = {
    "rows": ROWS,
    "strictRows": [Row(4, "four"), Row(5, None)],           # None on a non-null column
    "holder": {"row": Row(6, "six"), "rows": ROWS[:1], "optional": None,
               "maybeRows": [Row(9, "nine"), None, ValueError("an item that failed"),
                             Row(10, None)],
               "strictItems": [Row(11, "eleven"), None],
               "tupleRows": tuple(ROWS[:2]),
               "checked": [Row(12, "twelve"), {"name": "not a row"}],
               "notAList": Row(13, "thirteen")},
    "buddies": BUDDIES,
    "dicts": [{"id": 8, "name": "eight", "size": "12", "renamed_attr": "x",
               "fromMethod": "a string in a dict"}],
}
ALL = ("id name nickname size color greeting broken fromMethod keyed renamed custom flag rawName "
       "withArg(times: 2) __typename")

QUERIES = [
    f"{{ rows {{ {ALL} }} }}",
    "{ rows { a: name b: name id: name name: id } }",                       # aliases
    "{ rows { ...F ... on Row { size } } } fragment F on Row { name nickname }",
    ("query($yes: Boolean!) { rows { name @include(if: $yes) id @skip(if: $yes) "
     "size @skip(if: false) } }"),
    "{ strictRows { id name } }",                                   # null bubbles to the list
    "{ strictRows { id rawName } }",
    "{ dicts { rawName } }",
    "{ rows { brokenStrict } }",
    "{ holder { row { name } rows { id name __typename } optional { name } } }",
    "{ holder { row { nickname name } } strictRows { name } }",
    "{ holder { maybeRows { id name } strictItems { name } tupleRows { id } } }",
    "{ holder { maybeRows { nickname } checked { name } notAList { name } } }",
    "{ holder { strictItems { id } rows { name } } }",
    "{ dicts { id name size renamed fromMethod __typename } }",
    "{ __typename rows { name } }",
    "{ rows { id buddy { id name buddy { id } } } }",
    "{ buddies { id buddy { id name } } }",
    "{ buddies { id strictBuddy { id } } }",
    "{ rows { strictBuddy { name } } }",
]


def run(executor, query, variables=None):
    schema = make_schema()
    kwargs = {"executor_class": executor}
    if executor is ShortPathExecutor:
        kwargs["is_awaitable"] = never_awaitable
    return execute(schema, parse(query), ROOT, variable_values=variables,
                   context_value="the context", **kwargs)


@pytest.mark.parametrize("query", QUERIES)
def test_same_answer_as_graphql_core(query):
    variables = {"yes": True}
    expected = run(Executor, query, variables)
    found = run(ShortPathExecutor, query, variables)
    assert found.formatted == expected.formatted


def test_the_cases_it_must_hand_back_to_graphql_core():
    data = run(ShortPathExecutor, QUERIES[0])
    errors = {tuple(e["path"][1:]): e["message"] for e in data.formatted["errors"]}
    assert errors == {
        (0, "broken"): "the property failed",
        (1, "size"): "Int cannot represent non 32-bit signed integer value: 1099511627776",
        (1, "color"): "Enum 'Color' cannot represent value: 'not a color'",
        (1, "broken"): "the property failed",
        (1, "flag"): "Boolean cannot represent a non boolean value: 'yes'",
        (2, "greeting"): "an exception as the value",
        (2, "broken"): "the property failed",
    }
    rows = data.data["rows"]
    assert rows[0]["fromMethod"] == "fromMethod of 1"        # a method gets info
    assert rows[0]["keyed"] == "7" and rows[1]["keyed"] is None
    assert rows[0]["renamed"] == "r" and rows[0]["custom"] == "custom 1 custom"
    assert rows[0]["withArg"] == "oneone" and rows[0]["__typename"] == "Row"
    assert rows[0]["color"] == "RED" and rows[1]["color"] is None
    assert rows[0]["flag"] is True and rows[1]["nickname"] == "5"
    assert rows[2]["id"] == "3" and rows[2]["greeting"] is None


def test_a_null_on_a_non_null_field_is_graphql_cores_error():
    result = run(ShortPathExecutor, "{ strictRows { id name } }")
    assert result.data is None
    [error] = result.formatted["errors"]
    assert error["message"] == "Cannot return null for non-nullable field Row.name."
    assert error["path"] == ["strictRows", 1, "name"]
    assert error["locations"] == [{"line": 1, "column": 19}]


def test_plain_leaves_skip_execute_field_unless_execution_may_be_async(monkeypatch):
    called = []
    original = Executor.execute_field

    def counting(self, parent_type, source, details, path, *rest):
        called.append(path.key)
        return original(self, parent_type, source, details, path, *rest)

    monkeypatch.setattr(Executor, "execute_field", counting)
    schema = make_schema()
    query = parse("{ rows { name custom } }")
    root = {"rows": ROWS[:2]}
    execute(schema, query, root, executor_class=ShortPathExecutor, is_awaitable=never_awaitable)
    assert called == ["rows", "custom", "custom"]  # a resolver of its own: graphql-core's step
    called.clear()
    execute(schema, query, root, executor_class=ShortPathExecutor)
    assert called == ["rows", "name", "custom", "name", "custom"]


def test_a_null_in_a_non_null_model_column(db):
    from testproject.gqlblog.models import Post

    from rustforge.contrib.graphql import ModelType, Schema

    local = Schema()

    @local.register
    class ArticleType(ModelType):
        model = Post
        fields = ["id", "title", "published"]

    @local.query("[Article]!")
    def unsaved(root, info):
        return [Post(id=1, title="kept", published=True), Post(id=2, title=None)]

    answer = local.execute("{ unsaved { id title published } }")
    assert answer["data"] == {"unsaved": [{"id": "1", "title": "kept", "published": True},
                                          None]}
    # graphql-core raises a TypeError for it: a server-side fault, masked as such.
    assert [(e["extensions"]["code"], e["path"]) for e in answer["errors"]] == [
        ("INTERNAL_SERVER_ERROR", ["unsaved", 1, "title"])]
