"""The mail app: a development preview of sent mail and ``sendtestemail``.

    INSTALLED_APPS = [..., "rustforge.contrib.mail"]
    EMAIL_URL = "file://var/outbox"       # relative to BASE_DIR

With ``DEBUG`` on, ``/_mail/`` lists the newest messages the file backend
wrote and renders one (HTML with its inline images, text, headers,
attachments). With ``DEBUG`` off every page of the app answers 404.
"""
