"""Every framework setting is documented on a docs/ page."""

from pathlib import Path

from rustforge.conf import global_settings

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_setting_appears_in_the_docs():
    text = "".join(page.read_text(encoding="utf-8") for page in DOCS.glob("*.md"))
    names = [name for name in dir(global_settings) if name.isupper()]
    # Tables may abbreviate families: `SESSION_COOKIE_NAME` / `_AGE` / `_PATH`.
    missing = [name for name in names
               if name not in text and f"`_{name.rsplit('_', 1)[-1]}`" not in text]
    assert not missing, f"settings with no documentation: {missing}"
