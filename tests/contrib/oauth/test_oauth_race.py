"""Twenty clients race to redeem one code over real HTTP: exactly one wins."""

import base64
import http.client
import json
import threading
from urllib.parse import urlencode

import pytest

pytestmark = pytest.mark.slow
CALLBACK = "http://127.0.0.1/callback"


def test_code_redeemed_by_twenty_threads_at_once(live_server, flow, make_oauth_app):
    from rustforge.contrib.oauth.models import AccessToken

    app, secret = make_oauth_app()
    verifier, challenge = flow.pkce()
    code = flow.code(app, challenge=challenge)
    body = urlencode({"grant_type": "authorization_code", "code": code,
                      "redirect_uri": CALLBACK, "code_verifier": verifier})
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "Authorization": "Basic " + base64.b64encode(
                   f"{app.client_id}:{secret}".encode()).decode()}
    barrier = threading.Barrier(20)
    results = []

    def redeem():
        # Connected before the barrier (the development server's accept queue is
        # short), so the twenty requests really arrive together.
        connection = http.client.HTTPConnection(live_server.host, live_server.port, timeout=60)
        connection.connect()
        barrier.wait()
        connection.request("POST", "/oauth/token", body=body, headers=headers)
        response = connection.getresponse()
        results.append((response.status, json.loads(response.read())))
        connection.close()

    threads = [threading.Thread(target=redeem) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    assert len(results) == 20, results
    statuses = [status for status, _ in results]
    assert statuses.count(200) == 1
    assert all(body == {"error": "invalid_grant"} for status, body in results if status != 200)
    # Whatever the winner got is revoked: the others were replays of its code.
    assert not [token for token in AccessToken.select() if token.is_active()]
