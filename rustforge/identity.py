"""What makes two spellings of a username the same account.

One function, used wherever a username is stored, looked up or counted (the
user lookup at login, ``create_user``, ``createsuperuser`` and the login
throttle's key), so no spelling can reach an account under one form and be
counted under another:

* NFKC folds compatibility characters: full-width ``ａｄａ``, the ligature
  ``ﬁ``, superscripts;
* ``casefold()`` folds case, including ``ß`` -> ``ss`` and the Greek final
  sigma, which ``lower()`` leaves alone;
* NFKC again, because case folding can leave a string unnormalised;
* surrounding white space is dropped.

    >>> normalize_username("  ＡＤＡ ") == normalize_username("ada") == "ada"
    True
    >>> normalize_username("Straße") == normalize_username("STRASSE")
    True
"""

from __future__ import annotations

import unicodedata

__all__ = ["normalize_username"]


def normalize_username(username: str) -> str:
    """The canonical form of ``username`` (see the module docstring)."""
    folded = unicodedata.normalize("NFKC", username).casefold()
    return unicodedata.normalize("NFKC", folded).strip()
