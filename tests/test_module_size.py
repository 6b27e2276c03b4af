"""No module of rustforge is over 600 lines unless its top says why."""

from pathlib import Path

import rustforge

LIMIT = 600
# A longer module must say so in its first lines, e.g. "# Long on purpose: ..."
REASON = "long on purpose"


def test_modules_stay_small_or_say_why():
    root = Path(rustforge.__file__).resolve().parent
    too_long = []
    for path in sorted(root.rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        head = "\n".join(lines[:15]).lower()
        if len(lines) > LIMIT and REASON not in head:
            too_long.append(f"{path.relative_to(root)} ({len(lines)} lines)")
    assert not too_long, (f"split these by concept, or write '{REASON}: <why>' at the top: "
                          + ", ".join(too_long))
