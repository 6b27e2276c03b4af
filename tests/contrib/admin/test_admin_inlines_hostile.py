"""Hostile input to inlines: tampered row counts, other rows' keys, oversized values,
deleting what is not there, no CSRF token. Always a 4xx, never a 500, nothing lost."""

import pytest
from inline_forms import form_data
from testproject.blog.models import Author, Comment, Post

from rustforge.contrib.admin.models import LogEntry


@pytest.fixture
def post(blog):
    first = blog["posts"][0]
    Comment.create(post=first, name="Dan", body="Second")
    return first


@pytest.fixture
def other(blog):
    """A comment of another post (and the post)."""
    second = blog["posts"][1]
    return Comment.create(post=second, name="Olga", body="Elsewhere")


def snapshot():
    return sorted((c.id, c.post_id, c.name, c.body, c.deleted_at)
                  for c in Comment.with_deleted())


def page_data(client, post):
    return form_data(client.get(f"/admin/blog/post/{post.id}/change").text)


def refused(client, post, data, before, status=400):
    response = client.post(f"/admin/blog/post/{post.id}/change", data=data)
    assert response.status_code == status, response.text[:2000]
    assert snapshot() == before
    assert Post.get_by_id(post.id).title == "Post 01"
    assert not LogEntry.select().exists()
    return response


@pytest.mark.parametrize("total", ["-1", "abc", "1e3", "", " ", "0x10", "99999999999",
                                   "5000", "1.5", "٣"])
def test_tampered_total_count(admin_client, post, other, total):
    before = snapshot()
    data = page_data(admin_client, post)
    data.update({"title": "Changed", "comments-TOTAL_FORMS": total,
                 "comments-0-name": "Changed"})
    response = refused(admin_client, post, data, before)
    if total == "5000":
        assert "Please submit at most 1000 rows." in response.text
    else:
        assert "row counts are missing or were tampered with" in response.text


@pytest.mark.parametrize("initial", ["-1", "abc", "9"])
def test_tampered_initial_count(admin_client, post, initial):
    before = snapshot()
    data = page_data(admin_client, post)
    data.update({"title": "Changed", "comments-INITIAL_FORMS": initial})
    refused(admin_client, post, data, before)


def test_a_smaller_total_deletes_nothing(admin_client, post):
    """Rows left out of the count are not sent, so they stay as they are."""
    data = page_data(admin_client, post)
    data.update({"comments-TOTAL_FORMS": "0", "comments-INITIAL_FORMS": "0",
                 "comments-0-DELETE": "on", "comments-1-DELETE": "on"})
    response = admin_client.post(f"/admin/blog/post/{post.id}/change", data=data)
    assert response.status_code == 303
    assert Comment.select().count() == 2


def test_another_parents_row_is_refused_never_moved_or_changed(admin_client, post, other):
    before = snapshot()
    data = page_data(admin_client, post)
    data.update({"comments-1-id": str(other.id), "comments-1-name": "Stolen",
                 "comments-1-body": "Moved here"})
    response = refused(admin_client, post, data, before)
    assert "is not one of the rows of this form" in response.text
    data["comments-1-DELETE"] = "on"                       # nor deleted
    refused(admin_client, post, data, before)


@pytest.mark.parametrize("key", ["abc", "1 OR 1=1", "-1", "0", "99999999999999999999",
                                 "1.0", "x" * 5000, "\x00"])
def test_malformed_or_unknown_row_keys_are_refused(admin_client, post, key):
    before = snapshot()
    data = page_data(admin_client, post)
    data.update({"comments-0-id": key, "comments-0-DELETE": "on"})
    refused(admin_client, post, data, before)


def test_a_key_of_another_model_is_refused(admin_client, post, blog):
    """Post 30's key is no comment of this post, even if some comment had that number."""
    before = snapshot()
    data = page_data(admin_client, post)
    data.update({"comments-0-id": str(blog["posts"][-1].id), "comments-0-name": "x"})
    refused(admin_client, post, data, before)
    author = Author.get(Author.name == "Bob Stone")
    data.update({"comments-0-id": str(author.id)})
    if author.id not in {c.id for c in Comment.select().where(Comment.post == post)}:
        refused(admin_client, post, data, before)


def test_the_parents_key_cannot_be_posted_for_a_row(admin_client, post, blog):
    """A ``post`` input is no field of the row: the comment stays on its post."""
    data = page_data(admin_client, post)
    target = blog["posts"][5]
    data.update({"comments-0-post": str(target.id), "comments-2-post": str(target.id),
                 "comments-2-name": "New", "comments-2-body": "On the right post"})
    assert admin_client.post(f"/admin/blog/post/{post.id}/change", data=data).status_code == 303
    assert {c.post_id for c in Comment.select()} == {post.id}


def test_a_row_sent_twice_is_refused(admin_client, post):
    before = snapshot()
    data = page_data(admin_client, post)
    data.update({"comments-1-id": data["comments-0-id"], "comments-1-name": "Twin",
                 "comments-1-DELETE": "on"})
    response = refused(admin_client, post, data, before)
    assert "This row is sent twice." in response.text


def test_a_trashed_row_is_refused(admin_client, post):
    dan = Comment.get(Comment.name == "Dan")
    data = page_data(admin_client, post)
    dan.delete_instance()                                  # trashed while the page was open
    before = snapshot()
    data["comments-1-name"] = "Undead"
    refused(admin_client, post, data, before)
    assert Comment.only_deleted().where(Comment.id == dan.id).exists()


def test_deleting_more_rows_than_exist(admin_client, post):
    """DELETE flags past the count or on blank rows delete nothing."""
    data = page_data(admin_client, post)
    data.update({f"comments-{i}-DELETE": "on" for i in range(2, 50)})
    assert admin_client.post(f"/admin/blog/post/{post.id}/change", data=data).status_code == 303
    assert Comment.select().count() == 2


@pytest.mark.parametrize("field, value", [
    ("name", "x" * 81), ("name", "a\x00b"), ("body", "\x00"), ("name", ["a", "b" * 90]),
])
def test_oversized_or_invalid_values_are_field_errors(admin_client, post, field, value):
    before = snapshot()
    data = page_data(admin_client, post)
    data[f"comments-0-{field}"] = value
    response = refused(admin_client, post, data, before)
    assert f'id="id_comments-0-{field}_errors"' in response.text


def test_row_indexes_beyond_the_limits_are_ignored(admin_client, post):
    data = page_data(admin_client, post)
    data.update({"comments-999999-name": "Far", "comments-999999-body": "away",
                 "comments-9999999999-name": "Farther", "comments--1-name": "Before"})
    assert admin_client.post(f"/admin/blog/post/{post.id}/change", data=data).status_code == 303
    assert Comment.select().count() == 2


def test_a_body_with_many_rows_is_bounded(admin_client, post):
    data = page_data(admin_client, post)
    data["comments-TOTAL_FORMS"] = "400"      # 800 fields: under the body's field limit
    for i in range(2, 400):
        data[f"comments-{i}-name"] = f"n{i}"
        data[f"comments-{i}-body"] = "b"
    before = snapshot()
    response = refused(admin_client, post, data, before)
    assert "Please submit at most 6 rows." in response.text


def test_post_without_csrf_token_changes_no_row(admin_client, post):
    before = snapshot()
    data = page_data(admin_client, post)
    data.pop("csrf_token", None)
    del admin_client.default_headers["X-CSRFToken"]
    data = {k: v for k, v in data.items() if "csrf" not in k}
    data.update({"comments-0-name": "Changed", "comments-1-DELETE": "on"})
    refused(admin_client, post, data, before, status=403)


def test_a_read_only_parent_takes_no_inline_rows(client, make_user, login, post):
    """A user who may only view the post (but add comments) cannot post rows at all."""
    from rustforge.contrib.auth import grant

    user = make_user("viewer", is_staff=True)
    grant(user, "blog.view_post", "blog.add_comment", "blog.change_comment")
    login(client, user)
    page = client.get(f"/admin/blog/post/{post.id}/change").text
    assert "comments-TOTAL_FORMS" not in page
    before = snapshot()
    data = {"comments-TOTAL_FORMS": "1", "comments-INITIAL_FORMS": "0",
            "comments-0-name": "Sneaky", "comments-0-body": "x"}
    assert client.post(f"/admin/blog/post/{post.id}/change", data=data).status_code == 403
    assert snapshot() == before
