"""One place that writes a benchmark's table into docs/benchmarks.md.

Each benchmark owns a section between ``<!-- name:start -->`` and
``<!-- name:end -->``; a missing section is added at the end under ``heading``.
"""

from __future__ import annotations

from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "benchmarks.md"


def write_section(name: str, heading: str, report: str) -> None:
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    if start not in text:
        text += f"\n## {heading}\n\n{start}\n{end}\n"
    head, rest = text.split(start, 1)
    DOC.write_text(f"{head}{start}\n{report}\n{end}{rest.split(end, 1)[1]}", encoding="utf-8")
