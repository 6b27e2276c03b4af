"""OAuth clients and tokens in the admin: useful pages, never a secret on them."""

import html
import re

from rustforge.contrib.oauth import digests


def test_application_pages_never_show_the_secret(admin_client, make_oauth_app):
    app, secret = make_oauth_app("Billing")
    listing = admin_client.get("/admin/oauth/application")
    assert listing.status_code == 200 and "Billing" in listing.text
    change = admin_client.get(f"/admin/oauth/application/{app.id}/change")
    assert change.status_code == 200 and app.client_id in change.text
    for page in (listing, change):
        assert app.client_secret_digest not in page.text and secret not in page.text
        assert "client_secret_digest" not in page.text


def test_add_application_validates_and_makes_a_client_id(admin_client, db):
    from rustforge.contrib.oauth.models import Application

    form = {"name": "Partner", "client_type": "confidential",
            "redirect_uris": "http://partner.example/cb", "grant_types": "authorization_code",
            "scopes": "read"}
    bad = admin_client.post("/admin/oauth/application/add", data=form)
    assert bad.status_code == 400 and "must use https" in html.unescape(bad.text)
    form["redirect_uris"] = "https://partner.example/cb"
    good = admin_client.post("/admin/oauth/application/add", data=form)
    assert good.status_code == 303, good.text
    app = Application.get(Application.name == "Partner")
    assert len(app.client_id) >= 32 and app.client_secret_digest == ""


def test_new_secret_is_shown_once_and_the_old_one_stops_working(admin_client, make_oauth_app):
    from rustforge.contrib.admin.models import LogEntry
    from rustforge.contrib.oauth.models import Application

    app, old = make_oauth_app("Billing")
    page = admin_client.get(f"/admin/oauth/application/{app.id}/secret")
    assert page.status_code == 200 and 'id="new-secret"' in page.text
    issued = admin_client.post(f"/admin/oauth/application/{app.id}/secret", data={})
    assert issued.status_code == 200 and issued.headers["cache-control"] == "no-store"
    new = re.search(r'id="client-secret">([^<]+)<', issued.text).group(1)
    fresh = Application.get_by_id(app.id)
    assert fresh.check_secret(new) and not fresh.check_secret(old)
    assert fresh.client_secret_digest == digests.digest(new)
    # The history records that it happened, not the value.
    assert new not in " ".join(str(e.change_message) for e in LogEntry.select())
    assert new not in admin_client.get(f"/admin/oauth/application/{app.id}/secret").text


def test_public_clients_have_no_secret_page(admin_client, make_oauth_app):
    app, _ = make_oauth_app("SPA", client_type="public")
    assert admin_client.post(f"/admin/oauth/application/{app.id}/secret",
                             data={}).status_code == 400


def test_tokens_are_listed_without_digests_and_revoked_by_an_action(
        admin_client, admin_user, make_oauth_app, oauth_token):
    from rustforge.contrib.oauth.models import AccessToken
    from rustforge.contrib.oauth.tokens import find_access_token

    app, _ = make_oauth_app("Billing")
    token = oauth_token(app, admin_user, ["read"])
    row = find_access_token(token)
    listing = admin_client.get("/admin/oauth/accesstoken")
    assert listing.status_code == 200 and "Billing" in listing.text
    assert row.token_digest not in listing.text and token not in listing.text
    assert admin_client.get("/admin/oauth/accesstoken/add").status_code == 403
    done = admin_client.post("/admin/oauth/accesstoken", data={
        "action": "revoke_tokens", "_selected": [str(row.id)]})
    assert done.status_code == 303, done.text
    assert AccessToken.get_by_id(row.id).revoked_at is not None


def test_staff_without_permission_sees_nothing(client, login, make_user, make_oauth_app):
    make_oauth_app("Billing")
    login(client, make_user("staffer", is_staff=True))
    assert client.get("/admin/oauth/application").status_code == 403
