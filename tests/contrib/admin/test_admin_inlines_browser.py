"""Inlines in a real headless Chromium: "Add another" rows, an error on a row, saving."""

import pytest
from test_admin_browser import log_in, shots, site_data  # noqa: F401 - fixtures

pytestmark = pytest.mark.slow


def test_add_rows_in_the_browser_and_save(browser, live_server, site_data, shots):  # noqa: F811
    from testproject.blog.models import Comment, Post

    base = live_server.url
    post = site_data["posts"][0]                     # one comment (Carol's), max_num = 6
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    log_in(page, base, "boss")
    page.goto(f"{base}/admin/blog/post/{post.id}/change")
    rows = page.locator("#comments-rows tr.inline-row")
    assert rows.count() == 3                          # Carol + two blank rows
    add = page.locator("button.add-row[data-prefix=comments]")
    assert add.is_visible()

    add.click()
    assert rows.count() == 4
    assert page.input_value("#id_comments-TOTAL_FORMS") == "4"
    assert page.evaluate("document.activeElement.id") == "id_comments-3-name"
    add.click()
    add.click()
    assert rows.count() == 6 and not add.is_visible()   # max_num reached

    page.fill("#id_comments-0-body", "Lovely, edited")
    page.fill("#id_comments-4-name", "Dora")           # a row added by the button
    page.fill("#id_comments-4-body", "Added in the browser")
    page.fill("#id_comments-5-name", "Eve")            # no body: an error on this row
    page.screenshot(path=str(shots / "admin-inlines.png"), full_page=True)
    page.click("button[name=_continue]")
    assert page.locator(".errornote").is_visible()
    assert page.locator("#id_comments-5-body_errors").inner_text().strip()
    assert page.input_value("#id_comments-4-name") == "Dora"   # kept after the error
    assert Comment.select().count() == 1                       # nothing saved yet

    page.fill("#id_comments-5-body", "Now with a body")
    page.check("#id_comments-0-DELETE")
    page.click("button[name=_continue]")
    page.wait_for_url(f"**/admin/blog/post/{post.id}/change")
    assert "was changed" in page.inner_text(".messages")
    assert sorted((c.name, c.body) for c in Comment.select().where(Comment.post == post)) == [
        ("Dora", "Added in the browser"), ("Eve", "Now with a body")]
    assert Comment.only_deleted().count() == 1                 # Carol's went to the trash
    assert page.locator("#comments-rows tr.inline-row").count() == 4   # two rows + two blank

    # The add page: a post and its first comment in one go.
    page.goto(f"{base}/admin/blog/post/add")
    page.fill("#id_title", "With a comment")
    page.select_option("#id_author", label="Ada Lovelace")
    page.click("button.add-row[data-prefix=comments]")
    page.fill("#id_comments-2-name", "Fay")
    page.fill("#id_comments-2-body", "First!")
    page.click("button[name=_save]")
    page.wait_for_url(f"{base}/admin/blog/post")
    fresh = Post.get(Post.title == "With a comment")
    assert [c.name for c in fresh.comments] == ["Fay"]
    assert dialogs == []


def test_inlines_without_javascript_still_save(browser, live_server, site_data):  # noqa: F811
    from testproject.blog.models import Comment

    base = live_server.url
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, base, "boss")
    post = site_data["posts"][1]
    page.goto(f"{base}/admin/blog/post/{post.id}/change")
    assert not page.locator("button.add-row").is_visible()      # the blank rows are there
    page.fill("#id_comments-0-name", "Gil")
    page.fill("#id_comments-0-body", "No script needed")
    page.click("button[name=_save]")
    page.wait_for_url(f"{base}/admin/blog/post")
    assert [c.name for c in Comment.select().where(Comment.post == post)] == ["Gil"]
    context.close()


def test_a_row_added_by_the_button_suggests_related_rows(
        browser, live_server, site_data, monkeypatch):  # noqa: F811
    from testproject.blog.models import Author, Category, Post

    from rustforge.contrib import admin
    from rustforge.contrib.admin import site

    class PostInline(admin.TabularInline):
        model = Post
        fields = ["title", "category"]
        autocomplete_fields = ["category"]
        extra = 0

    monkeypatch.setattr(site.admin_for(Author), "inlines", [PostInline])
    base = live_server.url
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, base, "boss")
    ada = site_data["ada"]
    page.goto(f"{base}/admin/blog/author/{ada.id}/change")
    count = int(page.input_value("#id_posts-TOTAL_FORMS"))
    page.click("button.add-row[data-prefix=posts]")
    field = page.locator(f"#id_posts-{count}-category")
    with page.expect_response(lambda r: "/autocomplete?" in r.url):
        field.type("ess")
    page.wait_for_function(
        f"document.querySelectorAll('#id_posts-{count}-category_list option').length > 0")
    labels = page.eval_on_selector_all(f"#id_posts-{count}-category_list option",
                                       "os => os.map(o => o.label)")
    assert labels == ["Essays"]
    field.fill(str(Category.get(Category.name == "Essays").id))
    page.fill(f"#id_posts-{count}-title", "Filed under essays")
    page.click("button[name=_save]")
    page.wait_for_url(f"{base}/admin/blog/author")
    post = Post.get(Post.title == "Filed under essays")
    assert (post.author_id, post.category.name) == (ada.id, "Essays")
