def test_pages_answer(admin_client, blog):
    r = admin_client.get("/admin")
    assert r.status_code == 200, r.text
    assert "Posts" in r.text
    r = admin_client.get("/admin/blog/post")
    assert r.status_code == 200, r.text
    assert "Post 30" in r.text
    post = blog["posts"][0]
    r = admin_client.get(f"/admin/blog/post/{post.id}/change")
    assert r.status_code == 200, r.text
    r = admin_client.get("/admin/blog/post/add")
    assert r.status_code == 200, r.text
    r = admin_client.get(f"/admin/blog/post/{post.id}/history")
    assert r.status_code == 200, r.text
    r = admin_client.get(f"/admin/blog/post/{post.id}/delete")
    assert r.status_code == 200, r.text
    r = admin_client.get("/admin/auth/user")
    assert r.status_code == 200, r.text
    r = admin_client.get("/admin/auth/group/add")
    assert r.status_code == 200, r.text
