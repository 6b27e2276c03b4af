"""Draw deploy/grafana/dashboard.json as an SVG for docs/operations.md.

    python tests/deploy/dashboard_picture.py      # rewrites docs/img/operations-dashboard.svg

The picture is the dashboard's layout: each panel where Grafana puts it
(24 columns), with its title, unit and queries. A test keeps it in step with
the JSON.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DASHBOARD = REPO / "deploy" / "grafana" / "dashboard.json"
PICTURE = REPO / "docs" / "img" / "operations-dashboard.svg"
COLUMN, ROW, PAD = 40, 30, 8


def wrap(text: str, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines


def render(dashboard: dict) -> str:
    panels = dashboard["panels"]
    height = max(p["gridPos"]["y"] + p["gridPos"]["h"] for p in panels) * ROW + 60
    width = 24 * COLUMN + 2 * PAD
    out = [(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="sans-serif">'),
           f'<rect width="{width}" height="{height}" fill="#111217"/>',
           (f'<text x="{PAD + 4}" y="30" fill="#ccccdc" font-size="18">'
            f'{escape(dashboard["title"])}</text>')]
    for panel in panels:
        grid = panel["gridPos"]
        x, y = PAD + grid["x"] * COLUMN, 50 + grid["y"] * ROW
        w, h = grid["w"] * COLUMN - PAD, grid["h"] * ROW - PAD
        unit = panel["fieldConfig"]["defaults"].get("unit", "")
        out.append(f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="4" fill="#181b1f" '
                   f'stroke="#2c3235"/>')
        out.append(f'<text x="{x + 10}" y="{y + 22}" fill="#ccccdc" font-size="14" '
                   f'font-weight="bold">{escape(panel["title"])}</text>')
        out.append(f'<text x="{x + w - 10}" y="{y + 22}" fill="#8e8e8e" font-size="11" '
                   f'text-anchor="end">{escape(panel["type"])} · {escape(unit)}</text>')
        line_y = y + 44
        for target in panel["targets"]:
            legend = target.get("legendFormat") or ""
            for text in wrap(target["expr"] + (f"   [{legend}]" if legend else ""),
                             int(w / 6.6)):
                if line_y > y + h - 8:
                    break
                out.append(f'<text x="{x + 10}" y="{line_y}" fill="#73bf69" font-size="11" '
                           f'font-family="monospace">{escape(text)}</text>')
                line_y += 15
    out.append("</svg>")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    PICTURE.parent.mkdir(parents=True, exist_ok=True)
    PICTURE.write_text(render(json.loads(DASHBOARD.read_text())))
