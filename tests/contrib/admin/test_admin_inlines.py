"""Editable inlines: related rows changed, added and deleted with the parent in one
transaction, with their permissions, limits and history."""

import json

import peewee
import pytest
from inline_forms import form_data
from testproject.blog.admin import CommentInline
from testproject.blog.models import Comment, Post

from rustforge.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from rustforge.contrib.auth import grant
from rustforge.exceptions import ImproperlyConfigured


def change_page(client, post):
    page = client.get(f"/admin/blog/post/{post.id}/change")
    assert page.status_code == 200
    return form_data(page.text)


@pytest.fixture
def post(blog):
    """Post 01 with two comments (Carol's from the blog fixture, and Dan's)."""
    first = blog["posts"][0]
    Comment.create(post=first, name="Dan", body="Second")
    return first


def test_change_page_offers_existing_and_blank_rows(admin_client, post):
    data = change_page(admin_client, post)
    assert data["comments-TOTAL_FORMS"] == "4"          # two rows, two blank ones (extra=2)
    assert data["comments-INITIAL_FORMS"] == "2"
    assert (data["comments-0-name"], data["comments-0-body"]) == ("Carol", "Nice one")
    assert data["comments-1-name"] == "Dan"
    assert data["comments-2-name"] == "" and "comments-2-id" not in data
    assert "comments-0-post" not in data                  # the parent's key is not an input
    page = admin_client.get(f"/admin/blog/post/{post.id}/change").text
    assert 'name="comments-0-DELETE"' in page and 'id="comments-empty"' in page
    assert 'name="comments-0-created"' not in page       # read-only, shown as text


def test_change_add_and_delete_rows_in_one_save(admin_client, post):
    carol, dan = Comment.select().order_by(Comment.id)
    data = change_page(admin_client, post)
    data.update({"title": "Renamed", "comments-0-body": "Nice one, edited",
                 "comments-1-DELETE": "on",
                 "comments-2-name": "Eve", "comments-2-body": "New here"})
    response = admin_client.post(f"/admin/blog/post/{post.id}/change", data=data)
    assert response.status_code == 303, response.text
    assert Post.get_by_id(post.id).title == "Renamed"
    assert Comment.get_by_id(carol.id).body == "Nice one, edited"
    assert Comment.get_or_none(Comment.id == dan.id) is None          # soft-deleted:
    assert Comment.only_deleted().where(Comment.id == dan.id).exists()  # in the trash
    eve = Comment.get(Comment.name == "Eve")
    assert eve.post_id == post.id and eve.body == "New here"
    assert Comment.select().count() == 2                 # the last blank row was ignored

    def entry(model, key, flag):
        return LogEntry.get((LogEntry.model_name == model) & (LogEntry.object_id == str(key))
                            & (LogEntry.action_flag == flag))

    assert entry("comment", carol.id, CHANGE).changes == [
        {"field": "body", "old": "Nice one", "new": "Nice one, edited"}]
    assert entry("comment", dan.id, DELETION).object_repr == "Dan: Second"
    assert entry("comment", eve.id, ADDITION).username == "admin"
    summary = [c["field"] + " " + c["new"] for c in entry("post", post.id, CHANGE).changes]
    assert summary == ["title Renamed", f"comment #{dan.id} deleted",
                       f"comment #{carol.id} changed body", f"comment #{eve.id} added Eve: New here"]
    history = admin_client.get(f"/admin/blog/post/{post.id}/history").text
    assert f"comment #{eve.id}" in history


def test_a_row_error_saves_nothing_and_shows_the_error_beside_the_field(admin_client, post):
    data = change_page(admin_client, post)
    data.update({"title": "Renamed", "comments-0-name": "Carol II",
                 "comments-1-DELETE": "on",
                 "comments-2-name": "Eve", "comments-2-body": ""})       # body is required
    response = admin_client.post(f"/admin/blog/post/{post.id}/change", data=data)
    assert response.status_code == 400
    assert "Please correct the errors below." in response.text
    assert 'id="id_comments-2-body_errors"' in response.text
    again = form_data(response.text)                      # what was typed is kept
    assert again["comments-0-name"] == "Carol II" and again["comments-2-name"] == "Eve"
    assert again["comments-1-DELETE"] == "on"
    assert Post.get_by_id(post.id).title == "Post 01"
    assert sorted(c.name for c in Comment.select()) == ["Carol", "Dan"]
    assert not LogEntry.select().exists()


def test_add_page_creates_the_parent_and_its_rows(admin_client, blog):
    page = admin_client.get("/admin/blog/post/add")
    data = form_data(page.text)
    assert data["comments-TOTAL_FORMS"] == "2" and data["comments-INITIAL_FORMS"] == "0"
    data.update({"title": "Fresh", "author": str(blog["ada"].id), "views": "0",
                 "comments-0-name": "Zed", "comments-0-body": "First!"})
    response = admin_client.post("/admin/blog/post/add", data=data)
    assert response.status_code == 303, response.text
    fresh = Post.get(Post.title == "Fresh")
    assert [(c.name, c.post_id) for c in Comment.select().where(Comment.name == "Zed")] == [
        ("Zed", fresh.id)]
    added = LogEntry.get((LogEntry.model_name == "post") & (LogEntry.object_id == str(fresh.id)))
    assert added.action_flag == ADDITION and "added Zed: First!" in added.change_message


def test_add_page_with_a_row_error_creates_nothing(admin_client, blog):
    data = form_data(admin_client.get("/admin/blog/post/add").text)
    data.update({"title": "Fresh", "author": str(blog["ada"].id), "views": "0",
                 "comments-0-name": "x" * 81, "comments-0-body": "Too long a name"})
    response = admin_client.post("/admin/blog/post/add", data=data)
    assert response.status_code == 400
    assert 'id="id_comments-0-name_errors"' in response.text
    assert not Post.select().where(Post.title == "Fresh").exists()


def test_a_conflict_while_saving_a_row_rolls_back_the_parent(admin_client, post, monkeypatch):
    """A row that fails at the database (a unique value taken meanwhile) undoes the whole save."""
    original = Comment.save

    def save(self, *args, **kwargs):
        if self.name == "Boom":
            raise peewee.IntegrityError("duplicate key")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Comment, "save", save)
    data = change_page(admin_client, post)
    data.update({"title": "Renamed", "comments-0-body": "Edited", "comments-1-DELETE": "on",
                 "comments-2-name": "Boom", "comments-2-body": "x"})
    response = admin_client.post(f"/admin/blog/post/{post.id}/change", data=data)
    assert response.status_code == 400
    assert "conflicts with an existing row" in response.text
    assert Post.get_by_id(post.id).title == "Post 01"
    assert sorted((c.name, c.body) for c in Comment.select()) == [
        ("Carol", "Nice one"), ("Dan", "Second")]
    assert not LogEntry.select().exists()


def test_a_post_without_the_inline_leaves_its_rows_alone(admin_client, post):
    data = {k: v for k, v in change_page(admin_client, post).items()
            if not k.startswith("comments-")}
    response = admin_client.post(f"/admin/blog/post/{post.id}/change", data=data)
    assert response.status_code == 303
    assert Comment.select().count() == 2


def test_max_and_min_rows(admin_client, post, monkeypatch):
    data = change_page(admin_client, post)
    data["comments-TOTAL_FORMS"] = "7"
    for i in range(2, 7):
        data.update({f"comments-{i}-name": f"N{i}", f"comments-{i}-body": "b"})
    response = admin_client.post(f"/admin/blog/post/{post.id}/change", data=data)
    assert response.status_code == 400
    assert "Please submit at most 6 rows." in response.text
    assert Comment.select().count() == 2

    monkeypatch.setattr(CommentInline, "min_num", 2)
    data = change_page(admin_client, post)
    data["comments-0-DELETE"] = "on"
    response = admin_client.post(f"/admin/blog/post/{post.id}/change", data=data)
    assert response.status_code == 400
    assert "Please submit at least 2 rows." in response.text
    assert Comment.select().count() == 2


def test_stacked_inline_edits_the_same_way(admin_client, post, monkeypatch):
    monkeypatch.setattr(CommentInline, "style", "stacked")
    page = admin_client.get(f"/admin/blog/post/{post.id}/change").text
    assert 'class="inline-group inline-stacked"' in page
    assert '<label for="id_comments-0-name">Name' in page
    data = form_data(page)
    data["comments-1-name"] = "Daniel"
    assert admin_client.post(f"/admin/blog/post/{post.id}/change", data=data).status_code == 303
    assert Comment.get(Comment.body == "Second").name == "Daniel"


# Permissions on the related model -----------------------------------------------------------
@pytest.fixture
def editor(client, make_user, login):
    user = make_user("editor", is_staff=True)
    grant(user, "blog.change_post")
    login(client, user)
    client.user = user
    return client


def test_without_permissions_on_the_rows_they_are_read_only(editor, post):
    page = editor.get(f"/admin/blog/post/{post.id}/change").text
    assert "comments-TOTAL_FORMS" not in page and "Nice one" in page
    data = form_data(page)
    data.update({"comments-TOTAL_FORMS": "1", "comments-INITIAL_FORMS": "1",
                 "comments-0-id": str(Comment.get(Comment.name == "Carol").id),
                 "comments-0-name": "Hacked", "comments-0-body": "x", "comments-0-DELETE": "on"})
    assert editor.post(f"/admin/blog/post/{post.id}/change", data=data).status_code == 303
    assert sorted(c.name for c in Comment.select()) == ["Carol", "Dan"]


def test_change_permission_only_edits_rows_but_adds_and_deletes_none(editor, post):
    grant(editor.user, "blog.change_comment")
    page = editor.get(f"/admin/blog/post/{post.id}/change").text
    data = form_data(page)
    assert data["comments-TOTAL_FORMS"] == "2"            # no blank rows
    assert "comments-0-DELETE" not in page and "Add another" not in page
    data.update({"comments-0-name": "Caroline", "comments-1-DELETE": "on"})
    assert editor.post(f"/admin/blog/post/{post.id}/change", data=data).status_code == 303
    assert sorted(c.name for c in Comment.select()) == ["Caroline", "Dan"]   # Dan stays
    data.update({"comments-TOTAL_FORMS": "3", "comments-2-name": "Eve", "comments-2-body": "x"})
    response = editor.post(f"/admin/blog/post/{post.id}/change", data=data)
    assert response.status_code == 400
    assert "New rows cannot be added here." in response.text
    assert not Comment.select().where(Comment.name == "Eve").exists()


def test_add_permission_only_shows_existing_rows_read_only(editor, post):
    grant(editor.user, "blog.add_comment")
    page = editor.get(f"/admin/blog/post/{post.id}/change").text
    data = form_data(page)
    assert "comments-0-name" not in data and "comments-2-name" in data
    data.update({"comments-0-name": "Hacked", "comments-0-body": "x",
                 "comments-2-name": "Eve", "comments-2-body": "Hi"})
    assert editor.post(f"/admin/blog/post/{post.id}/change", data=data).status_code == 303
    assert sorted(c.name for c in Comment.select()) == ["Carol", "Dan", "Eve"]


def test_a_bad_inline_is_refused_at_registration():
    from rustforge.contrib import admin

    class Typo(admin.TabularInline):
        model = Comment
        fields = ["nmae"]

    class ParentKey(admin.TabularInline):
        model = Comment
        fields = ["post", "name"]

    for inline in (Typo, ParentKey):
        with pytest.raises(ImproperlyConfigured):
            admin.AdminSite().register(Post, inlines=[inline])


def test_history_of_a_row_changed_inline(admin_client, post):
    carol = Comment.get(Comment.name == "Carol")
    data = change_page(admin_client, post)
    data["comments-0-name"] = "Caroline"
    admin_client.post(f"/admin/blog/post/{post.id}/change", data=data)
    history = admin_client.get(f"/admin/blog/comment/{carol.id}/history").text
    assert "Caroline" in history and "Changed" in history
    entry = LogEntry.get(LogEntry.model_name == "post")
    assert json.loads(entry.change_message) == [
        {"field": f"comment #{carol.id}", "old": "", "new": "changed name"}]


# Richer rows: a foreign key select, choices, a checkbox -----------------------------------------
@pytest.fixture
def posts_inline(monkeypatch):
    from testproject.blog.models import Author

    from rustforge.contrib import admin
    from rustforge.contrib.admin import site

    class PostInline(admin.StackedInline):
        model = Post
        fields = ["title", "category", "status", "published"]
        extra = 3

    monkeypatch.setattr(site.admin_for(Author), "inlines", [PostInline])
    return PostInline


def test_blank_rows_with_selects_and_checkboxes_are_ignored(admin_client, blog, posts_inline,
                                                           count_queries):
    bob = blog["bob"]
    with count_queries() as queries:
        page = admin_client.get(f"/admin/blog/author/{bob.id}/change").text
    # One query for the categories of every row's select, not one per row.
    assert sum("blog_category" in q for q in queries) == 1, queries.statements
    data = form_data(page)
    total = int(data["posts-TOTAL_FORMS"])
    assert total == 18 and data["posts-15-category"] == "" and data["posts-15-status"] == "draft"
    data.update({"posts-16-title": "Bob's new post", "posts-16-category": str(blog["news"].id),
                 "posts-16-published": "true"})
    response = admin_client.post(f"/admin/blog/author/{bob.id}/change", data=data)
    assert response.status_code == 303, response.text
    new = Post.get(Post.title == "Bob's new post")
    assert (new.author_id, new.category_id, new.published) == (bob.id, blog["news"].id, True)
    assert Post.select().where(Post.author == bob).count() == 16


def test_a_duplicate_unique_value_in_a_row_is_an_error_on_that_row(admin_client, blog,
                                                                   posts_inline):
    bob = blog["bob"]
    data = form_data(admin_client.get(f"/admin/blog/author/{bob.id}/change").text)
    data.update({"posts-15-title": "Post 01", "posts-16-title": "Twice", "posts-17-title": "Twice"})
    response = admin_client.post(f"/admin/blog/author/{bob.id}/change", data=data)
    assert response.status_code == 400
    assert "A Post with this title already exists." in response.text
    assert "Another row has the same title." in response.text
    assert not Post.select().where(Post.title == "Twice").exists()


def test_save_formset_hook_sees_the_rows(admin_client, post, monkeypatch):
    from rustforge.contrib.admin import site

    seen = []

    def save_formset(req, obj, formset, change):
        formset.save(obj)
        seen.append((obj.id, change, [o.name for o in formset.new_objects]))

    monkeypatch.setattr(site.admin_for(Post), "save_formset", save_formset)
    data = change_page(admin_client, post)
    data.update({"comments-2-name": "Eve", "comments-2-body": "quiet"})
    assert admin_client.post(f"/admin/blog/post/{post.id}/change", data=data).status_code == 303
    assert seen == [(post.id, True, ["Eve"])]


def test_ordering_and_can_delete_options(admin_client, post, monkeypatch):
    monkeypatch.setattr(CommentInline, "ordering", ["-name"])
    monkeypatch.setattr(CommentInline, "can_delete", False)
    page = admin_client.get(f"/admin/blog/post/{post.id}/change").text
    data = form_data(page)
    assert (data["comments-0-name"], data["comments-1-name"]) == ("Dan", "Carol")
    assert "DELETE" not in page
    data["comments-0-DELETE"] = "on"                     # not offered: ignored
    assert admin_client.post(f"/admin/blog/post/{post.id}/change", data=data).status_code == 303
    assert Comment.select().count() == 2


def test_a_parent_in_the_trash_lists_its_rows_read_only(admin_client, post):
    post.delete_instance()
    page = admin_client.get(f"/admin/blog/post/{post.id}/change").text
    assert "is in the trash" in page and "comments-TOTAL_FORMS" not in page


def test_foreign_keys_of_rows_can_be_searchable_inputs(admin_client, blog, posts_inline,
                                                      monkeypatch):
    monkeypatch.setattr(posts_inline, "autocomplete_fields", ["category"])
    page = admin_client.get(f"/admin/blog/author/{blog['bob'].id}/change").text
    assert ('name="posts-15-category" value="" inputmode="search" autocomplete="off" '
            'data-autocomplete="/admin/blog/post/autocomplete" data-field="category"') in page
    found = admin_client.get("/admin/blog/post/autocomplete",
                             params={"field": "category", "q": "new"})
    assert found.json["results"] == [{"id": str(blog["news"].id), "text": "News"}]
