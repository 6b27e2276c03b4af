"""System checks of the export app."""

from __future__ import annotations

from rustforge.checks import Error, Warning, positive_int_settings, register

_POSITIVE = ("EXPORT_SYNC_MAX_ROWS", "EXPORT_PDF_MAX_ROWS", "EXPORT_PDF_MAX_PAGES",
             "EXPORT_JOB_PDF_MAX_PAGES", "EXPORT_LINK_MAX_AGE")


@register("export")
def check_settings(app_configs=None, **kwargs):
    return positive_int_settings(_POSITIVE, "export.E001")


@register("export")
def check_font(app_configs=None, **kwargs):
    from rustforge.contrib.export.fonts import find_font
    from rustforge.exceptions import ImproperlyConfigured

    try:
        found = find_font()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="export.E002")]
    if found is None:
        return [Warning("No Unicode font for PDF reports: non-Latin text will not show",
                        hint="Install DejaVu Sans (Debian: apt-get install fonts-dejavu-core) "
                             "or set EXPORT_PDF_FONT to a .ttf file.", id="export.W001")]
    return []
