"""The history itself in the admin: listed, searched, filtered, never edited."""

from rustforge.contrib.admin.models import LogEntry


def _change(admin_client, post, title):
    return admin_client.post(f"/admin/blog/post/{post.id}/change", data={
        "title": title, "author": str(post.author_id), "status": post.status, "views": "0"})


def test_log_entries_are_listed_linked_and_read_only(admin_client, blog):
    post = blog["posts"][0]
    assert _change(admin_client, post, "<b>Bold</b> move").status_code == 303
    listing = admin_client.get("/admin/admin/logentry?action_flag=2")
    assert listing.status_code == 200
    assert f'href="/admin/blog/post/{post.id}/change"' in listing.text
    assert "&lt;b&gt;Bold&lt;/b&gt; move" in listing.text and "<b>Bold" not in listing.text
    assert "Changed" in listing.text
    entry = LogEntry.get(LogEntry.object_id == str(post.id))
    page = admin_client.get(f"/admin/admin/logentry/{entry.id}/change")
    assert page.status_code == 200 and "View log entry" in page.text
    assert "title: Post 01 → &lt;b&gt;Bold&lt;/b&gt; move" in page.text
    assert admin_client.get("/admin/admin/logentry/add").status_code == 403
    assert admin_client.post(f"/admin/admin/logentry/{entry.id}/delete",
                             data={"confirm": "yes"}).status_code == 403
    assert admin_client.post("/admin/admin/logentry", data={
        "action": "delete_selected", "_selected": str(entry.id)}).status_code == 400
    assert LogEntry.select().count() == 1
    assert "/admin/admin/logentry/add" not in admin_client.get("/admin").text


def test_log_entries_search(admin_client, blog):
    _change(admin_client, blog["posts"][0], "Searchable title")
    found = admin_client.get("/admin/admin/logentry?q=searchable")
    assert "Searchable title" in found.text
    assert "Searchable" not in admin_client.get("/admin/admin/logentry?q=nothing").text
