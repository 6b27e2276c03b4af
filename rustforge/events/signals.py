"""Every signal the framework sends, declared in one place.

Receivers take ``(sender, **kwargs)``; the keyword arguments each signal sends
are listed in its docstring.
"""

from rustforge import conf
from rustforge.events.dispatch import Signal

setting_changed = Signal(
    "setting_changed", "A setting changed (tests, configure()). kwargs: names (frozenset).")


def _send_setting_changed(names: frozenset[str]) -> None:
    if setting_changed.receivers:
        setting_changed.send(conf.settings, names=names)


# conf sits below this layer: it calls the hook, the signal lives here.
conf.on_change(_send_setting_changed)
app_registry_ready = Signal(
    "app_registry_ready", "Every app's ready() ran. sender: the registry.")
request_started = Signal(
    "request_started", "Before routing. sender: the falcon request. kwargs: req.")
request_finished = Signal(
    "request_finished", "After the responder and middleware. kwargs: req, resp.")
pre_save = Signal("pre_save", "Before Model.save(). sender: model class. kwargs: instance, created.")
post_save = Signal("post_save", "After Model.save(). sender: model class. kwargs: instance, created.")
pre_delete = Signal("pre_delete", "Before Model.delete_instance(). kwargs: instance.")
post_delete = Signal("post_delete", "After Model.delete_instance(). kwargs: instance.")
post_bulk_update = Signal(
    "post_bulk_update", "After a Model.update() query ran. sender: model class. "
    "kwargs: query, result (rows changed).")
post_bulk_delete = Signal(
    "post_bulk_delete", "After a Model.delete() query ran. sender: model class. "
    "kwargs: query, result (rows deleted).")
post_bulk_insert = Signal(
    "post_bulk_insert", "After Model.insert_many() or insert_from() ran. sender: model class. "
    "kwargs: query, result (driver's insert result).")
migrations_applied = Signal(
    "migrations_applied", "After `migrate`, once per installed app. sender: its AppConfig. "
    "kwargs: app_label, names (applied migration names), rolled_back (unapplied names).")
user_logged_in = Signal("user_logged_in", "kwargs: req, user.")
user_logged_out = Signal("user_logged_out", "kwargs: req, user.")
user_login_failed = Signal("user_login_failed", "kwargs: req, username.")
password_reset_mail_failed = Signal(
    "password_reset_mail_failed", "The reset mail of a known account could not be sent or "
    "queued; the page answered as usual. kwargs: req, user, exception.")
oauth_token_issued = Signal(
    "oauth_token_issued", "The OAuth server issued an access token. sender: the client "
    "application. kwargs: application, user (None for client credentials), scopes (list), "
    "grant_type.")
export_finished = Signal(
    "export_finished", "A background export wrote its file (rustforge.contrib.export). "
    "sender: the ExportJob model. kwargs: job, user (None for command-line exports).")
