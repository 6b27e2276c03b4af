"""The Python examples of docs/admin.md run as written."""

from tests_helpers import doc_blocks


def test_examples_run(admin_client, make_user, blog):
    namespace = {"__name__": "docs_admin", "client": admin_client, "make_user": make_user}
    blocks = doc_blocks("admin.md", skip_settings=True)
    # The first block is the blog app's admin.py shown to the reader (it is the project's
    # own registration, already done); the rest run in order.
    assert len(blocks) >= 6
    for number, code in enumerate(blocks[1:], 2):
        try:
            exec(compile(code, f"docs/admin.md block {number}", "exec"), namespace)
        except Exception as exc:
            raise AssertionError(f"docs/admin.md block {number} failed: {exc!r}\n{code}") \
                from exc
    assert namespace["post_admin"].model.__name__ == "Post"
