"""The Python examples of docs/graphql.md run as written."""

from tests_helpers import run_doc


def test_examples_run(db):
    namespace = run_doc("graphql.md", "docs_graphql", min_blocks=6)
    assert namespace["schema"].build().get_type("Article") is not None
