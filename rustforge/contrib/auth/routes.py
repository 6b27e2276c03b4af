from rustforge.contrib.auth import resources as r
from rustforge.http import route

routes = [
    route("/login", r.LoginPage, name="login"),
    route("/login/verify", r.LoginVerifyPage, name="login-verify"),
    route("/logout", r.LogoutPage, name="logout"),
    route("/me", r.MeResource, name="me"),
    route("/password/change", r.PasswordChangePage, name="password-change"),
    route("/password/reset", r.PasswordResetPage, name="password-reset"),
    route("/password/reset/done", r.PasswordResetDonePage, name="password-reset-done"),
    route("/password/reset/{uid}/{token}", r.PasswordResetConfirmPage,
          name="password-reset-confirm"),
    route("/sessions", r.SessionsPage, name="sessions"),
    route("/sessions/{sid}/revoke", r.SessionsPage, name="session-revoke", suffix="revoke"),
    route("/2fa", r.TwoFactorPage, name="two-factor"),
    route("/2fa/setup", r.TwoFactorPage, name="two-factor-setup", suffix="setup"),
    route("/2fa/confirm", r.TwoFactorPage, name="two-factor-confirm", suffix="confirm"),
    route("/2fa/disable", r.TwoFactorPage, name="two-factor-disable", suffix="disable"),
]
