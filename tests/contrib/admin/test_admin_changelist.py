"""List pages: search, filters, sorting, pagination, bulk actions, query counts."""

import html
import re

import pytest
from testproject.blog.models import Author, Post


def titles(response):
    return re.findall(r'<td class="col-title">\s*<a href="[^"]+">\s*([^<]+?)\s*</a>',
                      response.text)


def test_columns_related_rows_booleans_and_method(admin_client, blog):
    page = admin_client.get("/admin/blog/post?o=title")
    assert page.status_code == 200
    assert titles(page)[:3] == ["Post 01", "Post 02", "Post 03"]
    assert "Ada Lovelace" in page.text and "Bob Stone" in page.text
    assert "In review" in page.text                       # a choice's label
    assert 'class="yes"' in page.text and 'class="no"' in page.text
    assert "<th scope=\"col\" class=\"col-word_count\">" in page.text
    assert "30 posts" in page.text


def test_search_matches_every_word_across_fields(admin_client, blog):
    page = admin_client.get("/admin/blog/post", params={"q": "lovelace 0"})
    found = titles(page)
    assert found and all(int(t.split()[1]) % 2 for t in found)   # Ada's posts are odd
    assert all("0" in t for t in found)
    none = admin_client.get("/admin/blog/post", params={"q": "%"})
    assert none.status_code == 200 and titles(none) == []       # % is a literal
    assert "No posts match" in none.text


def test_filters_combine(admin_client, blog):
    page = admin_client.get("/admin/blog/post",
                            params={"status": "published", "author": str(blog["bob"].id)})
    found = titles(page)
    assert found and all(int(t.split()[1]) % 6 == 2 for t in found)
    assert "(of 30)" in page.text
    null = admin_client.get("/admin/blog/post", params={"category": "null"})
    assert len(titles(null)) == 10
    today = admin_client.get("/admin/blog/post", params={"created": "today"})
    assert "30 posts" in today.text
    assert 'href="?published=1"' in admin_client.get("/admin/blog/post").text


def test_sorting_by_a_related_column_and_descending(admin_client, blog):
    page = admin_client.get("/admin/blog/post?o=-author,title")
    found = titles(page)
    assert found[0] == "Post 02"                           # Bob (id 2) first, then by title
    assert 'aria-sort="descending"' in page.text


def test_pagination(admin_client, blog):
    first = admin_client.get("/admin/blog/post?o=title")
    assert len(titles(first)) == 20
    assert 'href="?o=title&amp;p=2"' in first.text
    second = admin_client.get("/admin/blog/post?o=title&p=2")
    assert titles(second) == [f"Post {i:02d}" for i in range(21, 31)]
    assert 'aria-current="page">2<' in second.text
    assert admin_client.get("/admin/blog/post?p=3").status_code == 404


def test_query_count_does_not_grow_with_the_page(admin_client, blog, count_queries, settings):
    admin_client.get("/admin/blog/post")                   # warm the session and caches
    settings.ADMIN_LIST_PER_PAGE = 5
    with count_queries() as small:
        assert admin_client.get("/admin/blog/comment").status_code == 200
    for i in range(40):
        Post.create(title=f"More {i}", author=blog["ada"] if i % 2 else blog["bob"])
    with count_queries() as few:
        admin_client.get("/admin/blog/post?p=2")
    from rustforge.contrib.admin import site

    site.admin_for(Post).list_per_page = 60
    try:
        with count_queries() as many:
            admin_client.get("/admin/blog/post")
    finally:
        site.admin_for(Post).list_per_page = 20
    assert len(few) == len(many), many.statements
    # session + user, count, page (related rows joined), the two foreign-key filters' choices
    assert len(many) == 5, many.statements
    assert len(small) <= 5, small.statements


def test_action_publish_on_selected_rows(admin_client, blog):
    drafts = [p for p in blog["posts"] if p.status == "draft"][:3]
    response = admin_client.post("/admin/blog/post?status=draft", data={
        "action": "publish", "_selected": [str(p.id) for p in drafts]})
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/blog/post?status=draft"
    assert all(Post.get_by_id(p.id).published for p in drafts)
    follow = admin_client.get("/admin/blog/post?status=draft")
    assert "3 posts published." in follow.text


def test_action_without_a_selection_changes_nothing(admin_client, blog):
    response = admin_client.post("/admin/blog/post", data={"action": "publish"})
    assert response.status_code == 303
    assert "Select some rows first" in admin_client.get("/admin/blog/post").text


def test_select_across_applies_to_the_filtered_list(admin_client, blog):
    response = admin_client.post(f"/admin/blog/post?author={blog['ada'].id}", data={
        "action": "publish", "select_across": "1"})
    assert response.status_code == 303
    assert Post.select().where(Post.author == blog["ada"], Post.published == False).count() == 0
    assert Post.select().where(Post.author == blog["bob"], Post.published == False).count() > 0


def test_bulk_delete_confirms_then_deletes(admin_client, blog):
    keys = [str(p.id) for p in blog["posts"][:4]]
    confirm = admin_client.post("/admin/blog/post", data={"action": "delete_selected",
                                                          "_selected": keys})
    assert confirm.status_code == 200
    text = html.unescape(confirm.text)
    assert "Post 01" in text and "Post 04" in text and "Post 05" not in text
    assert "1 × Comment (by post)" in text
    assert Post.select().count() == 30
    done = admin_client.post("/admin/blog/post", data={"action": "delete_selected",
                                                       "_selected": keys, "confirm": "yes"})
    assert done.status_code == 303
    assert Post.select().count() == 26
    assert "4 posts deleted. They are in the trash." in admin_client.get("/admin/blog/post").text


def test_default_registration_lists_str(admin_client, db):
    from testproject.blog.models import Tag

    Tag.create(label="python")
    page = admin_client.get("/admin/blog/tag")
    assert page.status_code == 200 and "python" in page.text
    assert 'type="search"' not in page.text                # no search_fields: no box
    assert admin_client.get("/admin/blog/tag?q=py").status_code == 400


def test_autocomplete_uses_the_related_admin_search(admin_client, blog):
    response = admin_client.get("/admin/blog/post/autocomplete",
                                params={"field": "author", "q": "love"})
    assert response.status_code == 200
    assert response.json == {"results": [{"id": str(blog["ada"].id), "text": "Ada Lovelace"}]}
    assert admin_client.get("/admin/blog/post/autocomplete",
                            params={"field": "title"}).status_code == 400
    # Category is registered with search_fields; Tag (no search) would be 404.
    assert admin_client.get("/admin/blog/post/autocomplete",
                            params={"field": "category", "q": "ne"}).json["results"][0][
        "text"] == "News"


def test_large_related_table_gets_an_autocomplete_input(admin_client, blog, settings):
    settings.ADMIN_FK_SELECT_LIMIT = 1
    page = admin_client.get(f"/admin/blog/post/{blog['posts'][0].id}/change")
    assert 'data-autocomplete="/admin/blog/post/autocomplete"' in page.text
    assert "Ada Lovelace" in page.text or "Bob Stone" in page.text   # the current row named
    comment = admin_client.get("/admin/blog/comment/add")
    assert 'name="post"' in comment.text and "data-autocomplete" in comment.text
    assert Author.select().count() == 2


def test_filtered_count_limit_says_more_than(admin_client, blog, settings):
    settings.ADMIN_FILTERED_COUNT_LIMIT = 5
    page = admin_client.get("/admin/blog/post?q=post")
    assert page.status_code == 200
    assert "more than 5 posts" in page.text
    assert admin_client.get("/admin/blog/post?q=post&p=2").status_code == 200
    small = admin_client.get("/admin/blog/post?q=post+01")
    assert "1 post" in small.text and "more than" not in small.text


@pytest.mark.postgres_only
def test_planner_estimate_for_big_unfiltered_lists(admin_client, blog, settings, db):
    db.execute_sql("ANALYZE blog_post")
    settings.ADMIN_COUNT_ESTIMATE_THRESHOLD = 10
    page = admin_client.get("/admin/blog/post")
    assert "about " in page.text
    settings.ADMIN_COUNT_ESTIMATE_THRESHOLD = 1_000_000
    assert "30 posts" in admin_client.get("/admin/blog/post").text


def test_narrowed_admin_never_shows_a_table_estimate(admin_client, blog, settings, monkeypatch):
    from rustforge.contrib.admin import site

    settings.ADMIN_COUNT_ESTIMATE_THRESHOLD = 1
    monkeypatch.setattr(site.admin_for(Post), "get_queryset",
                        lambda req: Post.select().where(Post.author == blog["ada"]))
    assert "15 posts" in admin_client.get("/admin/blog/post").text


def test_a_method_column_sorts_by_its_declared_field(admin_client, blog):
    page = admin_client.get("/admin/blog/author?o=-initials")
    assert page.status_code == 200
    # The cells, not the whole page: its random CSRF token can hold "AL" or "BS".
    cells = re.findall(r'<td class="col-initials">\s*(\w+)', page.text)
    assert cells == ["BS", "AL"]                              # Bob Stone before Ada Lovelace
    assert 'aria-sort="descending"' in page.text
