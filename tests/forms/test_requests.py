"""The same form behind a falcon responder: JSON, urlencoded and multipart
bodies; 422 with the envelope; 415 for other media types."""

GOOD = {"email": "ada@example.com", "address": {"city": "Paris", "postcode": "75001"},
        "items": [{"sku": "A1", "quantity": 2}]}


def test_json_body(client):
    response = client.post("/shop/orders", json=GOOD)
    assert response.status_code == 201, response.text
    assert response.json == {"email": "ada@example.com", "lines": 1, "quantities": [2],
                             "city": "Paris", "gift": False}


def test_urlencoded_body_with_nested_keys(client):
    response = client.post("/shop/orders", data={
        "email": "ada@example.com", "address.city": "Paris", "address.postcode": "75001",
        "items[0][sku]": "A1", "items[0][quantity]": "2", "items[1][sku]": "B",
        "items[1][quantity]": "4", "gift": "on"})
    assert response.status_code == 201, response.text
    assert response.json["quantities"] == [2, 4]
    assert response.json["gift"] is True


def test_invalid_body_is_422_with_paths(client):
    response = client.post("/shop/orders", json={**GOOD, "items": [{"sku": "A",
                                                                     "quantity": -1}]})
    assert response.status_code == 422
    assert response.json == {"title": "Validation failed",
                             "description": "The submitted data is invalid.",
                             "errors": {"items[0].quantity": ["Ensure this value is at least 1."]}}


def test_empty_body_reports_required_fields(client):
    response = client.post("/shop/orders")
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"email", "address", "items"}


def test_non_object_json_and_other_media(client):
    response = client.post("/shop/orders", json=[1, 2])
    assert response.status_code == 422
    assert response.json["errors"] == {"__all__": ["Expected an object of fields."]}
    response = client.post("/shop/orders", body="<x/>", content_type="application/xml")
    assert response.status_code == 415
    response = client.post("/shop/orders", body="{bad", content_type="application/json")
    assert response.status_code == 400


def _multipart(fields, files):
    boundary = "rfboundary42"
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     f"{value}\r\n".encode())
    for name, (filename, ctype, data) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{filename}"\r\nContent-Type: {ctype}\r\n\r\n'.encode()
                     + data + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def test_multipart_upload_within_limits(client):
    body, ctype = _multipart({"title": "Notes"}, {"document": ("a.txt", "text/plain",
                                                               b"hello")})
    response = client.post("/shop/uploads", body=body, content_type=ctype)
    assert response.status_code == 200, response.text
    assert response.json == {"title": "Notes", "filename": "a.txt", "size": 5,
                             "content_type": "text/plain"}


def test_multipart_upload_too_big_or_wrong_type(client):
    body, ctype = _multipart({"title": "Big"}, {"document": ("a.txt", "text/plain",
                                                             b"x" * 2000)})
    response = client.post("/shop/uploads", body=body, content_type=ctype)
    assert response.status_code == 422
    assert response.json["errors"]["document"] == [
        "Ensure the file is at most 1024 bytes (it has 2000)."]
    body, ctype = _multipart({"title": "Exe"}, {"document": ("x.exe", "application/x-msdownload",
                                                             b"MZ")})
    response = client.post("/shop/uploads", body=body, content_type=ctype)
    assert response.status_code == 422
    assert "application/x-msdownload are not allowed" in response.json["errors"]["document"][0]


def test_file_field_without_multipart(client):
    response = client.post("/shop/uploads", json={"title": "t", "document": "abc"})
    assert response.status_code == 422
    assert response.json["errors"]["document"] == [
        "Upload a file (send the form as multipart/form-data)."]


def test_binary_garbage_in_a_text_part_is_400(client):
    body = (b'--b\r\nContent-Disposition: form-data; name="title"\r\n\r\n\xff\xfe\r\n--b--\r\n')
    response = client.post("/shop/uploads", body=body,
                           content_type="multipart/form-data; boundary=b")
    assert response.status_code == 400


def test_query_string_form(client):
    response = client.get("/shop/search?q=engines&page=2&tags=new&tags=sale")
    assert response.status_code == 200
    assert response.json == {"q": "engines", "page": 2, "tags": ["new", "sale"]}
    response = client.get("/shop/search?page=0")
    assert response.status_code == 422
    assert response.json["errors"] == {"q": ["This field is required."],
                                       "page": ["Ensure this value is at least 1."]}
