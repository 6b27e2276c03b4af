"""The preview page in a real headless Chromium: the inline image really shows."""

from __future__ import annotations

import base64

import pytest

from rustforge.mail import EmailMessage

PNG = base64.b64decode(  # 1x1 red pixel
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")


@pytest.mark.slow
def test_preview_shows_inline_image_and_blocks_scripts(settings, tmp_path, live_server,
                                                        browser):
    settings.DEBUG = True
    settings.EMAIL_URL = f"file://{tmp_path}"
    msg = EmailMessage("Browser preview ✓", "text", None, ["ada@example.com"])
    logo = msg.embed(PNG, "pixel.png")
    msg.html = (f'<p id="hello">Hallo Zoë</p><img id="logo" src="{logo}" width="40" '
                'height="40"><script>document.body.dataset.ran = "yes"</script>')
    msg.send()

    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/_mail/")
    page.click("text=Browser preview ✓")
    page.wait_for_load_state()
    assert page.title().startswith("Browser preview ✓")

    frame = page.frame_locator("iframe[title='HTML body']")
    assert frame.locator("#hello").inner_text() == "Hallo Zoë"
    logo_img = frame.locator("#logo")
    logo_img.wait_for()
    # naturalWidth is 0 for an image that failed to load.
    assert logo_img.evaluate("img => img.complete && img.naturalWidth") == 1
    # The sandbox (no allow-scripts) keeps the mail's script from running.
    assert frame.locator("body").get_attribute("data-ran") is None
    assert errors == []
    page.close()
