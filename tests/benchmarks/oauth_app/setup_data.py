"""Run by bench_oauth.py inside the generated project: a user, a client, a token.

Prints one JSON line: client_id, client_secret, access_token.
"""

import json

from rustforge.apps import apps

apps.populate()

from rustforge.contrib.auth import get_user_model
from rustforge.contrib.oauth.models import Application
from rustforge.contrib.oauth.tokens import issue

User = get_user_model()
# The benchmarks share one database and other scripts create "bench" too (without a
# password, or another one): make sure this one logs in with the password it uses.
user = User.get_or_none(User.username == "bench") or User.create_user(
    "bench", "bench@example.com", "bench passphrase 2026")
if not user.check_password("bench passphrase 2026"):
    user.set_password("bench passphrase 2026")
    user.save()
app, secret = Application.register("Bench", grant_types=["client_credentials"],
                                   scopes=["read"])
token = issue(app, user, ["read"], expires_in=86400)
print(json.dumps({"client_id": app.client_id, "client_secret": secret, "access_token": token}))
