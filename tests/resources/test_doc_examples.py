"""The ```python blocks of docs/forms.md, docs/resources.md and
docs/soft-deletes.md run as they are (in order, one namespace per page)."""

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def blocks(page):
    return BLOCK.findall((DOCS / page).read_text())


def run_page(page, module):
    namespace = {"__name__": module}
    for number, code in enumerate(blocks(page), 1):
        try:
            exec(compile(code, f"{page} block {number}", "exec"), namespace)
        except Exception as exc:
            raise AssertionError(f"{page}, python block {number} failed: {exc!r}\n{code}") \
                from exc
    return namespace


def test_forms_page():
    assert len(blocks("forms.md")) >= 6
    run_page("forms.md", "docs_forms")


@pytest.mark.parametrize("page,module", [("resources.md", "docs_resources"),
                                         ("soft-deletes.md", "docs_softdeletes")])
def test_pages_with_models(db, page, module):
    assert len(blocks(page)) >= 4
    run_page(page, module)
