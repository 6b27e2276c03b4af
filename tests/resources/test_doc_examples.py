"""The ```python blocks of docs/forms.md, docs/resources.md and
docs/soft-deletes.md run as they are (in order, one namespace per page)."""

import pytest
from tests_helpers import run_doc


def test_forms_page(db):
    run_doc("forms.md", "docs_forms", min_blocks=6)


@pytest.mark.parametrize("page,module", [("resources.md", "docs_resources"),
                                         ("soft-deletes.md", "docs_softdeletes")])
def test_pages_with_models(db, page, module):
    run_doc(page, module, min_blocks=4)
