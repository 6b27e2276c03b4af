from rustforge.http import route

# NOTE(memory): resources are named by dotted path, imported by their first
# request (docs/architecture.md, heavy libraries load on first use).
R = "rustforge.contrib.auth.resources."

routes = [
    route("/login", R + "LoginPage", methods=("GET", "POST"), name="login"),
    route("/login/verify", R + "LoginVerifyPage", methods=("GET", "POST"), name="login-verify"),
    route("/logout", R + "LogoutPage", methods=("GET", "POST"), name="logout"),
    route("/me", R + "MeResource", methods=("GET",), name="me"),
    route("/password/change", R + "PasswordChangePage", methods=("GET", "POST"),
          name="password-change"),
    route("/password/reset", R + "PasswordResetPage", methods=("GET", "POST"),
          name="password-reset"),
    route("/password/reset/done", R + "PasswordResetDonePage", methods=("GET",),
          name="password-reset-done"),
    route("/password/reset/{uid}/{token}", R + "PasswordResetConfirmPage",
          methods=("GET", "POST"), name="password-reset-confirm"),
    route("/sessions", R + "SessionsPage", methods=("GET",), name="sessions"),
    route("/sessions/{sid}/revoke", R + "SessionsPage", methods=("POST",),
          name="session-revoke", suffix="revoke"),
    route("/2fa", R + "TwoFactorPage", methods=("GET",), name="two-factor"),
    route("/2fa/setup", R + "TwoFactorPage", methods=("POST",), name="two-factor-setup",
          suffix="setup"),
    route("/2fa/confirm", R + "TwoFactorPage", methods=("POST",), name="two-factor-confirm",
          suffix="confirm"),
    route("/2fa/disable", R + "TwoFactorPage", methods=("POST",), name="two-factor-disable",
          suffix="disable"),
]
