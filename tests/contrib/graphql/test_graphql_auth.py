"""The auth app's contribution: ``me`` and the staff-only ``users``."""


def test_me_and_users(graphql_query, make_user, db):
    make_user("ada")
    make_user("boss", is_staff=True)
    assert graphql_query("{ me { username } }").json == {"data": {"me": None}}
    mine = graphql_query("{ me { username email } }",
                         headers={"Authorization": "Bearer ada:"}).json
    assert mine == {"data": {"me": {"username": "ada", "email": "ada@example.com"}}}
    refused = graphql_query("{ users { nodes { username } } }",
                            headers={"Authorization": "Bearer ada:"}).json
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    listed = graphql_query("{ users { nodes { username email } } }",
                           headers={"Authorization": "Bearer boss:"}).json
    assert {u["username"] for u in listed["data"]["users"]["nodes"]} == {"ada", "boss"}
    assert "errors" not in listed


def test_password_hash_is_not_in_the_schema(graphql_query, db):
    response = graphql_query("{ me { password } }")
    assert response.status_code == 400
    assert "password" in response.json["errors"][0]["message"]
