"""Adding, changing, deleting, restoring and the history of rows."""

import html
import json

from testproject.blog.models import Author, Comment, Pin, Post

from rustforge.contrib.admin.models import ADDITION, CHANGE, DELETION, RESTORE, LogEntry


def _form(post, **changes):
    data = {"title": post.title, "body": post.body, "author": str(post.author_id),
            "category": str(post.category_id or ""), "status": post.status,
            "publish_date": "", "views": str(post.views)}
    if post.published:
        data["published"] = "true"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_add_with_an_error_then_fixed(admin_client, blog):
    ada = blog["ada"]
    bad = admin_client.post("/admin/blog/post/add", data={
        "title": "", "body": "Hello", "author": str(ada.id), "status": "nonsense"})
    assert bad.status_code == 400
    assert "Please correct the errors below." in bad.text
    assert 'id="id_title_errors"' in bad.text and 'id="id_status_errors"' in bad.text
    assert "Hello" in bad.text                         # what was typed is kept
    good = admin_client.post("/admin/blog/post/add", data={
        "title": "Fresh", "body": "Hello there", "author": str(ada.id), "status": "draft",
        "views": "0"})
    assert good.status_code == 303
    assert good.headers["location"] == "/admin/blog/post"
    post = Post.get(Post.title == "Fresh")
    assert post.author_id == ada.id
    entry = LogEntry.get(LogEntry.object_id == str(post.id))
    assert entry.action_flag == ADDITION and entry.username == "admin"
    listing = admin_client.get("/admin/blog/post")
    assert 'The post "Fresh" was added.' in html.unescape(listing.text)


def test_duplicate_unique_value_is_a_field_error(admin_client, blog):
    response = admin_client.post("/admin/blog/post/add", data={
        "title": "Post 01", "author": str(blog["ada"].id), "status": "draft", "views": "0"})
    assert response.status_code == 400
    assert "A Post with this title already exists." in response.text


def test_change_records_what_changed(admin_client, blog):
    post = blog["posts"][0]
    response = admin_client.post(f"/admin/blog/post/{post.id}/change",
                                 data=_form(post, title="Renamed", status="review",
                                            _continue=""))
    assert response.status_code == 303
    assert response.headers["location"] == f"/admin/blog/post/{post.id}/change"
    entry = LogEntry.get((LogEntry.object_id == str(post.id)) & (LogEntry.action_flag == CHANGE))
    changes = {c["field"]: (c["old"], c["new"]) for c in json.loads(entry.change_message)}
    assert changes == {"title": ("Post 01", "Renamed")}   # status was "review" already
    history = admin_client.get(f"/admin/blog/post/{post.id}/history")
    assert "Renamed" in history.text and "Post 01" in history.text and "admin" in history.text


def test_saving_without_changes_logs_nothing(admin_client, blog):
    post = blog["posts"][3]
    response = admin_client.post(f"/admin/blog/post/{post.id}/change", data=_form(post))
    assert response.status_code == 303
    entries = LogEntry.select().where((LogEntry.model_name == "post")
                                      & (LogEntry.object_id == str(post.id)))
    assert [e.change_message for e in entries] == []


def test_change_page_shows_fieldsets_readonly_values_and_inline(admin_client, blog):
    post = blog["posts"][0]
    page = admin_client.get(f"/admin/blog/post/{post.id}/change")
    assert "<legend>Publishing</legend>" in page.text
    assert 'id="id_word_count"' in page.text               # a read-only method
    assert 'name="created"' not in page.text               # read-only field is not an input
    assert "Nice one" in page.text                         # the comment inline
    assert 'type="date"' in page.text and "<textarea" in page.text
    assert '<select id="id_author" name="author" required>' in page.text


def test_delete_asks_first_and_lists_the_cascade(admin_client, blog):
    post = blog["posts"][0]
    confirm = admin_client.get(f"/admin/blog/post/{post.id}/delete")
    assert confirm.status_code == 200
    assert "These rows go to the trash" in confirm.text
    assert "Carol: Nice one" in confirm.text               # its comment goes along
    # A POST without "confirm" only shows the page again.
    assert admin_client.post(f"/admin/blog/post/{post.id}/delete", data={}).status_code == 200
    assert Post.get_or_none(Post.id == post.id) is not None
    done = admin_client.post(f"/admin/blog/post/{post.id}/delete", data={"confirm": "yes"})
    assert done.status_code == 303
    assert Post.get_or_none(Post.id == post.id) is None
    assert Post.with_deleted().where(Post.id == post.id).first().deleted_at is not None
    assert Comment.select().count() == 0                   # soft-cascaded
    assert LogEntry.get(LogEntry.object_id == str(post.id)).action_flag == DELETION


def test_trash_lists_deleted_rows_and_restore_brings_them_back(admin_client, blog):
    post = blog["posts"][0]
    post.delete_instance()
    listing = admin_client.get("/admin/blog/post")
    assert "Post 01" not in listing.text
    trash = admin_client.get("/admin/blog/post?trash=1")
    assert trash.status_code == 200 and "Post 01" in trash.text
    assert 'value="restore_selected"' in trash.text and 'value="delete_selected"' not in trash.text
    page = admin_client.get(f"/admin/blog/post/{post.id}/change")
    assert "is in the trash" in page.text and 'id="restore"' in page.text
    restored = admin_client.post(f"/admin/blog/post/{post.id}/restore", data={})
    assert restored.status_code == 303
    assert Post.get_or_none(Post.id == post.id) is not None
    assert Comment.select().count() == 1
    assert LogEntry.get(LogEntry.object_id == str(post.id)).action_flag == RESTORE
    assert admin_client.post(f"/admin/blog/post/{post.id}/restore", data={}).status_code == 409


def test_restore_refused_when_a_live_row_took_the_title(admin_client, blog):
    post = blog["posts"][0]
    post.delete_instance()
    Post.create(title="Post 01", author=blog["ada"])
    response = admin_client.post(f"/admin/blog/post/{post.id}/restore", data={})
    assert response.status_code == 409
    assert "cannot be restored" in response.text


def test_bulk_restore(admin_client, blog):
    for post in blog["posts"][:3]:
        post.delete_instance()
    keys = [str(p.id) for p in blog["posts"][:3]]
    response = admin_client.post("/admin/blog/post?trash=1",
                                 data={"action": "restore_selected", "_selected": keys})
    assert response.status_code == 303
    assert Post.select().count() == 30


def test_protected_rows_refuse_deletion(admin_client, blog):
    ada = blog["ada"]
    Pin.create(author=ada, note="keep")
    confirm = admin_client.get(f"/admin/blog/author/{ada.id}/delete")
    assert confirm.status_code == 409
    assert "cannot be deleted" in confirm.text
    done = admin_client.post(f"/admin/blog/author/{ada.id}/delete", data={"confirm": "yes"})
    assert done.status_code == 409
    assert Author.get_or_none(Author.id == ada.id) is not None


def test_hard_delete_lists_database_cascades(admin_client, blog):
    bob = blog["bob"]
    confirm = admin_client.get(f"/admin/blog/author/{bob.id}/delete")
    assert "These rows are deleted for good" in confirm.text
    assert "15 × Post (by author)" in confirm.text
    done = admin_client.post(f"/admin/blog/author/{bob.id}/delete", data={"confirm": "yes"})
    assert done.status_code == 303
    assert Post.with_deleted().where(Post.author == bob.id).count() == 0


def test_history_of_an_unchanged_row_says_so(admin_client, blog):
    page = admin_client.get(f"/admin/blog/post/{blog['posts'][1].id}/history")
    assert "No history" in page.text


def test_dashboard_lists_my_recent_actions(admin_client, blog):
    post = blog["posts"][0]
    admin_client.post(f"/admin/blog/post/{post.id}/change", data=_form(post, title="Mine"))
    page = admin_client.get("/admin")
    assert "Mine" in page.text and "Changed" in page.text


def test_history_names_changed_related_rows(admin_client, blog):
    post = blog["posts"][2]                                  # Post 03: no category, by Ada
    response = admin_client.post(f"/admin/blog/post/{post.id}/change",
                                 data=_form(post, category=str(blog["news"].id),
                                            author=str(blog["bob"].id)))
    assert response.status_code == 303
    entry = LogEntry.get((LogEntry.object_id == str(post.id)) & (LogEntry.action_flag == CHANGE))
    changes = {c["field"]: (c["old"], c["new"]) for c in entry.changes}
    assert changes["category"] == ("", f"News (#{blog['news'].id})")
    assert changes["author"] == (f"Ada Lovelace (#{blog['ada'].id})",
                                 f"Bob Stone (#{blog['bob'].id})")


def test_confirmation_is_escaped_styled_and_shown_once(admin_client, blog):
    """The admin confirms through rustforge.contrib.auth.messages, as any page could."""
    admin_client.post("/admin/blog/post/add", data={
        "title": "<script>alert(1)</script>", "body": "x", "author": str(blog["ada"].id),
        "status": "draft", "views": "0"})
    listing = admin_client.get("/admin/blog/post").text
    assert ('<li class="success">The post &#34;&lt;script&gt;alert(1)&lt;/script&gt;&#34; '
            "was added.</li>") in listing
    assert "was added" not in admin_client.get("/admin/blog/post").text
