"""How RustForge scales on the box: json and db at 1, 2 and 4 workers, 16 and 64 connections.

Part of ``make bench`` (skipped by ``--quick``). One gunicorn per worker count
(the project's default worker class, sync), each loaded by wrk at both
connection counts; the results go into the results section of
docs/benchmarks.md as a table and as a small SVG chart drawn here (no
plotting library, no network).
"""

from __future__ import annotations

from html import escape
from pathlib import Path

WORKERS = (1, 2, 4)
CONNECTIONS = (16, 64)
ROUTES = {"json": "/json", "db": "/db"}
WORKER_CLASS = "sync"
COLOURS = {16: "#1f77b4", 64: "#d62728"}


def scaling_run(impl, duration: int) -> dict:
    """{route: {connections: {workers: req/s}}} for one implementation."""
    from bench import Server, log, wrk

    results: dict = {route: {c: {} for c in CONNECTIONS} for route in ROUTES}
    for workers in WORKERS:
        server = Server(impl, workers, WORKER_CLASS, 1)
        try:
            server.wait_ready()
            for route, path in ROUTES.items():
                wrk(server.port, path, 1, max(CONNECTIONS))  # warm every worker
                for connections in CONNECTIONS:
                    log(f"[scaling] {route}, {workers} worker(s), {connections} connections")
                    results[route][connections][workers] = wrk(
                        server.port, path, duration, connections)["rps"]
        finally:
            server.stop()
    return results


def render_table(results: dict) -> list[str]:
    lines = ["| route | connections | " + " | ".join(
        f"{w} worker{'s' if w > 1 else ''} req/s" for w in WORKERS) + " |",
        "|---|---:|" + "---:|" * len(WORKERS)]
    for route, by_conn in results.items():
        for connections, by_workers in by_conn.items():
            lines.append(f"| {route} | {connections} | " + " | ".join(
                f"{by_workers[w]:,.0f}" for w in WORKERS) + " |")
    return lines


def svg_chart(results: dict, title: str) -> str:
    """One panel per route: req/s against workers, a line per connection count."""
    panel_w, panel_h, margin, gap = 300, 200, 50, 40
    width = margin + len(results) * (panel_w + gap)
    height = panel_h + 2 * margin + 20
    out = [(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">'),
           f'<rect width="{width}" height="{height}" fill="white"/>',
           (f'<text x="{width / 2}" y="18" text-anchor="middle" font-size="13">'
           f'{escape(title)}</text>')]
    for index, (route, by_conn) in enumerate(results.items()):
        left = margin + index * (panel_w + gap)
        top = margin
        peak = max(max(v.values()) for v in by_conn.values()) or 1.0
        scale = _nice_ceiling(peak)
        out.append(f'<text x="{left + panel_w / 2}" y="{top - 12}" text-anchor="middle" '
                   f'font-weight="bold">{escape(route)}</text>')
        out.append(f'<rect x="{left}" y="{top}" width="{panel_w}" height="{panel_h}" '
                   f'fill="none" stroke="#999"/>')
        for tick in range(5):
            value = scale * tick / 4
            y = top + panel_h - panel_h * tick / 4
            out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + panel_w}" y2="{y:.1f}" '
                       f'stroke="#eee"/>')
            out.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">'
                       f'{value:,.0f}</text>')

        def x_of(i: int, left: int = left) -> float:
            return left + panel_w * (i + 0.5) / len(WORKERS)

        for i, workers in enumerate(WORKERS):
            out.append(f'<text x="{x_of(i):.1f}" y="{top + panel_h + 14}" '
                       f'text-anchor="middle">{workers} worker{"s" if workers > 1 else ""}</text>')
        for connections, by_workers in by_conn.items():
            points = [(x_of(i), top + panel_h - panel_h * by_workers[w] / scale)
                      for i, w in enumerate(WORKERS)]
            colour = COLOURS.get(connections, "#333")
            out.append('<polyline fill="none" stroke-width="2" stroke="{}" points="{}"/>'.format(
                colour, " ".join(f"{x:.1f},{y:.1f}" for x, y in points)))
            out += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>'
                    for x, y in points]
    legend_y = height - 12
    for i, connections in enumerate(CONNECTIONS):
        x = margin + i * 140
        out.append(f'<line x1="{x}" y1="{legend_y - 4}" x2="{x + 20}" y2="{legend_y - 4}" '
                   f'stroke="{COLOURS.get(connections, "#333")}" stroke-width="2"/>')
        out.append(f'<text x="{x + 26}" y="{legend_y}">{connections} connections</text>')
    out.append(f'<text x="{width - 8}" y="{legend_y}" text-anchor="end">requests per second'
               '</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _nice_ceiling(value: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten at or above ``value``."""
    step = 1.0
    while step * 10 <= value:
        step *= 10
    for factor in (1, 2, 5, 10):
        if step * factor >= value:
            return step * factor
    return step * 10


def write_chart(results: dict, path: Path, title: str) -> None:
    path.write_text(svg_chart(results, title))
