"""The admin in a real headless Chromium: the whole editing flow, refusals, stored XSS.

Screenshots of the list, change and history pages go to the test's output folder; set
``RUSTFORGE_ADMIN_SCREENSHOTS=docs/images`` to refresh the ones in the documentation.
"""

import os
import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery staple"


@pytest.fixture
def shots(tmp_path):
    """Where screenshots go; copied to RUSTFORGE_ADMIN_SCREENSHOTS when set."""
    folder = tmp_path / "screenshots"
    folder.mkdir()
    yield folder
    target = os.environ.get("RUSTFORGE_ADMIN_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        for png in folder.glob("*.png"):
            shutil.copy(png, Path(target) / png.name)


@pytest.fixture
def site_data(live_server, make_user):
    from testproject.blog.models import Author, Category, Comment, Post

    ada = Author.create(name="Ada Lovelace", email="ada@example.com")
    bob = Author.create(name="Bob Stone", email="bob@example.com")
    news = Category.create(name="News")
    Category.create(name="Essays")
    posts = [Post.create(title=f"Notes on engines {i:02d}", body="Words " * (i + 3),
                         author=ada if i % 2 else bob, category=news if i % 3 else None,
                         status=["draft", "review", "published"][i % 3], published=i % 3 == 2)
             for i in range(1, 26)]
    Comment.create(post=posts[0], name="Carol", body="Lovely")
    make_user("boss", is_staff=True, is_superuser=True)
    return {"ada": ada, "bob": bob, "posts": posts}


def log_in(page, base, username):
    page.goto(f"{base}/admin")
    assert "/accounts/login?next=" in page.url
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin")


def test_editing_flow(browser, live_server, site_data, shots):
    from testproject.blog.models import Post

    base = live_server.url
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    log_in(page, base, "boss")
    assert page.locator("#app-blog").is_visible()

    # Create a post: a validation error first, then fixed.
    page.click("#app-blog tr:has-text('Posts') a.add")
    page.wait_for_url(f"{base}/admin/blog/post/add")
    page.fill("#id_title", "")
    page.fill("#id_body", "An essay about the analytical engine")
    page.select_option("#id_author", label="Ada Lovelace")
    page.click("button[name=_save]")
    assert page.locator(".errornote").is_visible()
    assert page.locator("#id_title_errors").inner_text().strip()
    assert page.input_value("#id_body") == "An essay about the analytical engine"
    page.fill("#id_title", "The analytical engine")
    page.select_option("#id_status", "review")
    page.check("#id_published")
    page.fill("#id_publish_date", "2026-11-30")
    page.click("button[name=_continue]")
    page.wait_for_url("**/change")
    assert "was added" in page.inner_text(".messages")
    assert page.input_value("#id_publish_date") == "2026-11-30"

    # Edit it.
    page.fill("#id_title", "The analytical engine, revised")
    page.select_option("#id_category", label="Essays")
    page.screenshot(path=str(shots / "admin-change-form.png"), full_page=True)
    page.click("button[name=_save]")
    page.wait_for_url(f"{base}/admin/blog/post")
    assert "was changed" in page.inner_text(".messages")

    # Search, filter, sort, paginate.
    page.fill("#searchbar", "revised")
    page.press("#searchbar", "Enter")
    page.wait_for_url("**q=revised**")
    assert page.locator("#result_list tbody tr").count() == 1
    page.goto(f"{base}/admin/blog/post")
    page.click(".filters >> text=Published")
    page.wait_for_url("**status=published**")
    rows = page.locator("#result_list tbody tr")
    assert 0 < rows.count() < 26
    page.click(".filters >> text=Bob Stone")
    page.wait_for_url("**author=**")
    assert all("Bob Stone" in t for t in page.locator("td.col-author").all_inner_texts())
    page.goto(f"{base}/admin/blog/post")
    page.click("th.col-title a")
    page.wait_for_url("**o=title**")
    first = page.locator("td.col-title").first.inner_text().strip()
    assert first == "Notes on engines 01"
    page.click("th.col-title a")
    page.wait_for_url("**o=-title**")
    assert page.locator("td.col-title").first.inner_text().strip() == "The analytical engine, revised"
    page.click("nav.pages >> text=2")
    page.wait_for_url("**p=2**")
    assert page.locator("#result_list tbody tr").count() == 6      # 26 posts, 20 per page

    # Bulk delete two posts (the page asks first).
    page.goto(f"{base}/admin/blog/post?o=title")
    page.screenshot(path=str(shots / "admin-changelist.png"), full_page=True)
    boxes = page.locator(".row-select")
    boxes.nth(0).check()
    boxes.nth(1).check()
    assert page.inner_text("#selected-count") == "2"
    page.select_option("#action", "delete_selected")
    page.click("#run-action")
    page.wait_for_selector("#confirm-delete")
    assert "Carol: Lovely" in page.inner_text("#cascades")
    page.click("#confirm-delete")
    page.wait_for_url("**/admin/blog/post?o=title")
    assert "2 posts deleted" in page.inner_text(".messages")
    assert Post.select().count() == 24

    # Restore one from the trash.
    page.click("#trash-link")
    page.wait_for_url("**trash=1**")
    page.click("text=Notes on engines 01")
    page.click("#restore")
    page.wait_for_url("**/change")
    assert "was restored" in page.inner_text(".messages")
    assert Post.select().count() == 25

    # History of the edited post.
    post = Post.get(Post.title == "The analytical engine, revised")
    page.goto(f"{base}/admin/blog/post/{post.id}/change")
    page.click("#history-link")
    history = page.inner_text("#history")
    assert "Added" in history and "Changed" in history and "boss" in history
    assert "The analytical engine, revised" in history
    page.screenshot(path=str(shots / "admin-history.png"), full_page=True)

    # Log out.
    page.click("#logout")
    page.wait_for_url("**/accounts/login?next=%2Fadmin")   # logged out: the admin's door
    page.goto(f"{base}/admin/blog/post")
    assert "/accounts/login?next=" in page.url
    assert dialogs == []
    assert list(shots.glob("*.png"))


def test_select_all_and_keyboard(browser, live_server, site_data):
    base = live_server.url
    page = browser.new_page()
    log_in(page, base, "boss")
    page.goto(f"{base}/admin/blog/post")
    # The first Tab reaches the skip link; Enter on it moves to the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    page.check("#select-all")
    assert page.inner_text("#selected-count") == "20"
    page.uncheck(".row-select >> nth=0")
    assert page.inner_text("#selected-count") == "19"
    assert not page.is_checked("#select-all")


def test_stored_script_does_not_run(browser, live_server, site_data):
    from testproject.blog.models import Post

    post = site_data["posts"][0]
    evil = "<script>window.pwned = 1; alert('x')</script><img src=x onerror=\"window.pwned=2\">"
    Post.update(title=evil, body=evil).where(Post.id == post.id).execute()
    base = live_server.url
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    log_in(page, base, "boss")
    for path in ["/admin/blog/post", f"/admin/blog/post/{post.id}/change",
                 f"/admin/blog/post/{post.id}/delete"]:
        page.goto(base + path)
        page.wait_for_load_state("load")
        assert page.evaluate("window.pwned === undefined"), path
    assert dialogs == []
    assert evil in page.inner_text("#deleted-objects")


def test_staff_without_permission_and_non_staff_are_refused(browser, live_server, site_data,
                                                            make_user):
    make_user("clerk", is_staff=True)
    make_user("visitor")
    base = live_server.url
    page = browser.new_page()
    log_in(page, base, "clerk")
    assert "You do not have permission" in page.inner_text("main")
    response = page.goto(f"{base}/admin/blog/post")
    assert response.status == 403
    other = browser.new_page()
    other.goto(f"{base}/accounts/login")
    other.fill("#id_username", "visitor")
    other.fill("#id_password", PASSWORD)
    other.click("button[type=submit]")
    other.wait_for_load_state()
    assert other.goto(f"{base}/admin").status == 403


def test_foreign_key_autocomplete_suggests_rows(browser, live_server, site_data, settings):
    settings.ADMIN_FK_SELECT_LIMIT = 1       # two authors: the input searches instead
    base = live_server.url
    page = browser.new_page()
    log_in(page, base, "boss")
    page.goto(f"{base}/admin/blog/post/add")
    field = page.locator("#id_author")
    assert field.get_attribute("data-autocomplete") == "/admin/blog/post/autocomplete"
    with page.expect_response(lambda r: "/autocomplete?" in r.url):
        field.type("love")
    page.wait_for_function("document.querySelectorAll('#id_author_list option').length > 0")
    labels = page.eval_on_selector_all("#id_author_list option", "os => os.map(o => o.label)")
    assert labels == ["Ada Lovelace"]


def test_narrow_screen_has_no_page_wide_scrolling(browser, live_server, site_data, shots):
    base = live_server.url
    page = browser.new_page(viewport={"width": 390, "height": 800})
    log_in(page, base, "boss")
    for path in ["/admin", "/admin/blog/post", f"/admin/blog/post/{site_data['posts'][0].id}/change"]:
        page.goto(base + path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
    page.goto(f"{base}/admin/blog/post")
    page.screenshot(path=str(shots / "admin-changelist-narrow.png"))
