"""Framework defaults for every setting.

A project's settings module overrides any of these by defining an UPPERCASE
name of the same spelling. Each setting is declared exactly once, here, with a
comment saying what it does. ``docs/settings.md`` documents the core settings and
each subsystem's page its own; a test fails when a setting is documented nowhere.
"""

# --- Core -----------------------------------------------------------------
# Development mode: tracebacks in error pages, template auto-reload, no
# SECRET_KEY requirement. Never on in production.
DEBUG = False
# Signs cookies and tokens. Required (non-empty) when DEBUG is off.
SECRET_KEY = ""
# Former secret keys, still accepted when checking signatures (never used to
# sign), so that SECRET_KEY can be rotated without invalidating sessions and links.
SECRET_KEY_FALLBACKS: list[str] = []
# Host names this site answers to; "*" matches any, ".example.com" a domain
# and its subdomains. With DEBUG on and the list empty, localhost names pass.
ALLOWED_HOSTS: list[str] = []
# Dotted paths of installed apps (packages, or AppConfig classes).
INSTALLED_APPS: list[str] = []
# Dotted path of the module holding the project's ``routes`` list.
ROOT_ROUTES = ""
# Mount point per app label, overriding an app's own ``url_prefix``.
URL_PREFIXES: dict[str, str] = {}
# Project directory; used to resolve relative paths of other settings.
BASE_DIR = None
# Time zone name for the project's own date handling (stored times are UTC).
TIME_ZONE = "UTC"

# --- HTTP -----------------------------------------------------------------
# Falcon middleware classes, outermost first, as dotted paths.
MIDDLEWARE: list[str] = [
    "rustforge.http.middleware.SecurityMiddleware",
]
# Largest request body accepted, in bytes (chunked bodies included): 413 above.
MAX_BODY_SIZE = 2_621_440
# Most fields accepted in a urlencoded or multipart form: 400 above.
MAX_FORM_FIELDS = 1000
# Deepest nesting of arrays/objects accepted in a JSON body: 400 above.
MAX_JSON_DEPTH = 64
# Longest name an uploaded file keeps (characters, extension kept): longer
# names are shortened, after unsafe characters became "_".
UPLOAD_FILENAME_MAX_LENGTH = 100
# Trailing slash handling: strip it before routing.
STRIP_TRAILING_SLASH = True

# --- Security headers (rustforge.http.middleware.SecurityMiddleware) -------
# Strict-Transport-Security max-age on HTTPS responses; 0 sends no header.
SECURE_HSTS_SECONDS = 0
# Add includeSubDomains / preload to Strict-Transport-Security.
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_HSTS_PRELOAD = False
# Send X-Content-Type-Options: nosniff.
SECURE_CONTENT_TYPE_NOSNIFF = True
# X-Frame-Options value ("DENY", "SAMEORIGIN"); empty sends none.
X_FRAME_OPTIONS = "DENY"
# Referrer-Policy value; empty sends none.
SECURE_REFERRER_POLICY = "same-origin"
# Cross-Origin-Opener-Policy value; empty sends none.
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Redirect plain HTTP to HTTPS (301). Behind a proxy, set SECURE_PROXY_SSL_HEADER.
SECURE_SSL_REDIRECT = False
# ("HTTP_X_FORWARDED_PROTO", "https"): trust this header to mean HTTPS.
SECURE_PROXY_SSL_HEADER = None
# Proxies (IPs or CIDRs) whose X-Forwarded-For is believed.
TRUSTED_PROXIES: list[str] = []

# --- Templates (Jinja2) ---------------------------------------------------
# Project template folders; searched before every app's templates/ folder.
TEMPLATE_DIRS: list[str] = []
# Callables ``fn(req) -> dict`` whose results join every template context.
TEMPLATE_CONTEXT_PROCESSORS: list[str] = []

# --- Static files (served by WhiteNoise) -----------------------------------
# URL prefix of static files; only paths under it reach WhiteNoise.
STATIC_URL = "/static/"
# Where ``collectstatic`` gathers files for production; served when it exists.
STATIC_ROOT = None
# Extra project folders of static files, besides each app's static/ folder.
STATICFILES_DIRS: list[str] = []

# --- Database ---------------------------------------------------------------
# sqlite:///path.db (embedded default) or postgresql://user:pass@host:5432/name
DATABASE_URL = "sqlite:///db.sqlite3"
# Extra keyword arguments for the peewee database class.
DATABASE_OPTIONS: dict = {}
# SQLite busy timeout, in seconds.
SQLITE_BUSY_TIMEOUT = 5.0
# Reuse compiled SQL for pk lookups and updates (Model.get_by_id, get(Model.id == x),
# save() of a fetched row); off sends every query through peewee's compiler.
DATABASE_FAST_PATH = True

# --- Services: cache, queue, mail (filled in by their subsystems) -----------
# locmem:// (embedded default), memcached://host:11211,host2:11211, dummy://
CACHE_URL = "locmem://"
# --- Cache (rustforge.cache; docs/cache.md) ---
# Prepended to every cache key, so projects can share memcached servers.
CACHE_KEY_PREFIX = ""
# Part of every key; bump it to invalidate the whole cache at once.
CACHE_VERSION = 1
# Seconds a value is kept when set() gets no timeout (None: forever).
CACHE_DEFAULT_TIMEOUT = 300
# Backend options overriding CACHE_URL query parameters, e.g. {"timeout": 0.2}.
CACHE_OPTIONS: dict = {}
# Seconds between two log lines about the same unreachable memcached server.
CACHE_ERROR_LOG_INTERVAL = 60.0
# Named caches besides the default: alias -> URL, or a dict with URL, KEY_PREFIX,
# VERSION, TIMEOUT, OPTIONS; reached with caches["alias"] (docs/cache.md).
CACHES: dict = {}
# redis://host:6379/0; empty runs background jobs inline.
REDIS_URL = ""
# --- Background jobs (rustforge.queue; docs/jobs.md) ---
# Seconds to wait for a Redis connection / reply before QueueUnavailable.
REDIS_CONNECT_TIMEOUT = 1.0
REDIS_SOCKET_TIMEOUT = 5.0
# Seconds a job may run before the worker kills it (per job: @job(timeout=...)).
JOBS_DEFAULT_TIMEOUT = 180
# Seconds rq keeps a finished job's result, and a failed job in the failed registry.
JOBS_RESULT_TTL = 500
JOBS_FAILURE_TTL = 7 * 24 * 3600
# Inline mode only: re-raise a job's exception after its last retry (tests).
JOBS_INLINE_RAISE = False
# --- Storage (rustforge.storage; docs/storage.md) ---
# Dotted path of the storage class (the embedded default keeps files on the local disk).
STORAGE_BACKEND = "rustforge.storage.FileSystemStorage"
# Folder of the file-system storage; None means BASE_DIR/storage (or ./storage).
STORAGE_ROOT = None
# --- Events (rustforge.events; docs/events.md) ---
# Re-raise a failing event receiver's exception instead of logging it (tests).
EVENTS_RAISE_ERRORS = False
# --- Rate limiting (rustforge.ratelimit; docs/ratelimit.md) ---
# Limits applied by RateLimitMiddleware: name -> {"rate": "100/m", "key": "ip" |
# "user" | "header:X-Api-Key" | callable, "paths": ["/api/"], "methods": ["POST"]}.
RATELIMITS: dict = {}
# Off: no limit is checked (middleware and @ratelimit), e.g. in some tests.
RATELIMIT_ENABLED = True
# When the cache cannot count: True lets requests through, False answers 503.
RATELIMIT_FAIL_OPEN = True
# The named cache (CACHES) that holds the rate-limit counters.
RATELIMIT_CACHE_ALIAS = "default"
# console:// (embedded default), smtp://user:pass@host:587?starttls=1, file:///dir, memory://, dummy://
EMAIL_URL = "console://"
DEFAULT_FROM_EMAIL = "webmaster@localhost"
SERVER_EMAIL = "root@localhost"
ADMINS: list[tuple[str, str]] = []
# --- Mail (rustforge.mail; docs/mail.md) ---
# Seconds every SMTP socket operation may take before the send fails.
EMAIL_TIMEOUT = 10.0
# Prepended to the subject of mail_admins() messages.
EMAIL_SUBJECT_PREFIX = "[RustForge] "
# Send through a background job by default (message.send(queue=...) overrides).
EMAIL_QUEUE = False
# The rq queue queued mail goes to (a worker must listen on it).
EMAIL_QUEUE_NAME = "default"
# Seconds between retries of a queued message after a temporary SMTP failure
# (4xx reply, refused or timed-out connection); one retry per entry.
EMAIL_RETRY_INTERVALS: list[int] = [60, 300, 1800]

# --- Forms, API resources, soft deletes (rustforge.forms, rustforge.resources) ---
# Rows per page of a ModelResource list when the client gives no ?limit=.
API_PAGE_SIZE = 20
# Largest ?limit= a ModelResource list accepts (a larger one is a 400).
API_MAX_PAGE_SIZE = 100
# Most items one bulk request of a ModelResource may carry (413 beyond).
API_MAX_BULK_SIZE = 100
# Title and version in the OpenAPI description (rustforge.contrib.api).
API_TITLE = ""
API_VERSION = "1.0.0"
# How long soft-deleted rows are kept before `manage.py prune` deletes them (30d, 12h, 2w).
SOFT_DELETE_RETENTION = "30d"

# --- Logging ----------------------------------------------------------------
# A logging.config.dictConfig mapping; None keeps the framework default.
LOGGING = None
# Level of the "rustforge" loggers when LOGGING is None.
LOG_LEVEL = "INFO"
# "console" (one readable line per record) or "json" (one JSON object per line),
# for the app and for gunicorn (docs/operations.md).
LOG_FORMAT = "console"
# Request header carrying a request id from a proxy; a valid one is kept, anything
# else is replaced by a fresh id. The id goes back in the same response header,
# into every log record of the request and into the jobs it enqueues.
REQUEST_ID_HEADER = "X-Request-ID"

# --- Operations: probes and metrics (docs/operations.md) ------------------------
# Collect Prometheus metrics (requests, queries, cache, jobs) and serve METRICS_PATH.
METRICS_ENABLED = True
# Where Prometheus scrapes; "" serves no endpoint (metrics are still collected).
METRICS_PATH = "/metrics"
# A scraper must send "Authorization: Bearer <token>" or come from one of the
# allowed IPs/CIDRs (the socket peer, or the client named by TRUSTED_PROXIES).
METRICS_TOKEN = ""
METRICS_ALLOWED_IPS: list[str] = ["127.0.0.1", "::1"]
# Liveness (no dependency touched) and readiness (database, cache, Redis,
# migrations) probe paths; they bypass every middleware.
HEALTHZ_PATH = "/healthz"
READYZ_PATH = "/readyz"
# Readiness: seconds one check may take before it counts as failed.
READYZ_TIMEOUT = 2.0

# --- Checks -------------------------------------------------------------------
# Check ids to ignore, e.g. ["security.W004"].
SILENCED_CHECKS: list[str] = []

# --- Auth, sessions, CSRF (rustforge.contrib.auth) ------------------------------
# "app_label.Model" of the user model; a custom one keeps the AbstractUser contract.
AUTH_USER_MODEL = "auth.User"
# Where login_required sends browsers, and where login/logout land by default.
LOGIN_URL = "/accounts/login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login"
# passlib schemes: the first hashes new passwords, the others are verify-only
# and upgraded to the first at the next successful login.
PASSWORD_SCHEMES: list[str] = ["argon2", "bcrypt", "pbkdf2_sha256", "django_pbkdf2_sha256"]
# Argon2id parameters (passlib names); a stored hash with weaker ones is rehashed at login.
PASSWORD_ARGON2: dict = {"memory_cost": 65536, "rounds": 3, "parallelism": 4}
# Passwords longer than this many characters are refused before hashing (no hashing DoS).
PASSWORD_MAX_LENGTH = 1024
# Dotted validator classes with keyword options, run on every new password.
PASSWORD_VALIDATORS: list[dict] = [
    {"NAME": "rustforge.contrib.auth.passwords.validators.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "rustforge.contrib.auth.passwords.validators.UserAttributeSimilarityValidator"},
    {"NAME": "rustforge.contrib.auth.passwords.validators.CommonPasswordValidator"},
    {"NAME": "rustforge.contrib.auth.passwords.validators.NumericPasswordValidator"},
]
# Seconds a password-reset link stays valid (it also dies once used).
PASSWORD_RESET_TIMEOUT = 3600
# "db" (embedded default) or "cache" (the CACHE_URL backend, e.g. memcached).
SESSION_ENGINE = "db"
# The named cache (CACHES) of SESSION_ENGINE = "cache".
SESSION_CACHE_ALIAS = "default"
SESSION_COOKIE_NAME = "sessionid"
# Seconds of inactivity after which a session expires (two weeks).
SESSION_COOKIE_AGE = 1_209_600
# Send session and CSRF cookies only over HTTPS; turn on in production.
SESSION_COOKIE_SECURE = False
# "Lax" keeps the cookie off cross-site POSTs; "Strict" also off cross-site links.
SESSION_COOKIE_SAMESITE = "Lax"
# ".example.com" to share the session with subdomains; None: this host only.
SESSION_COOKIE_DOMAIN = None
SESSION_COOKIE_PATH = "/"
# Where the CSRF secret lives. True: in the session (a cookie planted by a sibling
# subdomain or a plain-http response cannot stand in for it), rotated at login.
# False: in the CSRF cookie only. None: the session whenever SessionMiddleware
# comes before CsrfMiddleware in MIDDLEWARE (the auth app's set-up).
CSRF_USE_SESSIONS: bool | None = None
# Cookie readable by scripts, which send its value back as a header: the secret
# itself in cookie mode; in session mode a masked token, set for this host only.
CSRF_COOKIE_NAME = "csrftoken"
CSRF_COOKIE_SECURE = False
# Header scripts send the token in (falcon reads it case-insensitively).
CSRF_HEADER_NAME = "X-CSRFToken"
# Name of the hidden form field csrf_input() renders.
CSRF_FIELD_NAME = "csrf_token"
# Origins ("https://app.example.com", "https://*.example.com") allowed to POST cross-origin.
CSRF_TRUSTED_ORIGINS: list[str] = []
# Failed logins per username / per client IP within the window before 429.
LOGIN_THROTTLE_USER_LIMIT = 5
LOGIN_THROTTLE_IP_LIMIT = 20
LOGIN_THROTTLE_WINDOW = 900
# Issuer shown by authenticator apps for TOTP secrets; recovery codes per user.
TOTP_ISSUER = "RustForge"
TOTP_RECOVERY_CODES = 10
# One-time messages (rustforge.contrib.auth.messages): the lowest level kept
# (10 debug, 20 info, 25 success, 30 warning, 40 error), extra or changed CSS
# tags per level ({40: "danger"}), and the bounds of what one session holds.
MESSAGE_LEVEL = 20
MESSAGE_TAGS: dict[int, str] = {}
MESSAGE_MAX_COUNT = 10
MESSAGE_MAX_LENGTH = 1000

# --- GraphQL (rustforge.contrib.graphql) ---------------------------------------
# Whether __schema/__type queries are answered (the deploy check warns when
# this is on with DEBUG off). None: follow DEBUG.
GRAPHQL_INTROSPECTION: bool | None = None
# Deepest field nesting a query may have (fragments expanded): 400 above.
GRAPHQL_MAX_DEPTH = 15
# Largest query cost: each field is 1, a connection multiplies what it
# selects by its page size (see docs/graphql.md): 400 above.
GRAPHQL_MAX_COST = 20_000
# Most aliases in one document (fragments expanded): 400 above.
GRAPHQL_MAX_ALIASES = 30
# Most lexical tokens in one document; the parser stops at this bound.
GRAPHQL_MAX_TOKENS = 5_000
# Longest query text, in characters, looked at before anything else.
GRAPHQL_MAX_QUERY_LENGTH = 50_000
# Rows in a connection page when the query gives no `first`, and the largest `first`.
GRAPHQL_PAGE_SIZE = 20
GRAPHQL_MAX_PAGE_SIZE = 100
# Parsed and validated documents kept per process (LRU); 0 turns the cache off.
GRAPHQL_DOCUMENT_CACHE_SIZE = 500

# --- OAuth 2.0 authorization server (rustforge.contrib.oauth; docs/oauth.md) ---
# Scopes this server knows, name -> what the consent page says it allows.
OAUTH_SCOPES: dict[str, str] = {"read": "Read your data", "write": "Change your data"}
# Scopes granted when a client asks for none (each must be in OAUTH_SCOPES).
OAUTH_DEFAULT_SCOPES: list[str] = ["read"]
# Seconds an authorization code, an access token and a refresh token live.
OAUTH_CODE_EXPIRE_SECONDS = 60
OAUTH_ACCESS_TOKEN_EXPIRE_SECONDS = 3600
OAUTH_REFRESH_TOKEN_EXPIRE_SECONDS = 30 * 24 * 3600
# PKCE for every client (public clients always need it); False lets
# confidential clients skip it.
OAUTH_PKCE_REQUIRED = True
# Accept code_challenge_method=plain (RFC 7636 keeps it for clients that cannot
# hash); S256 is always accepted.
OAUTH_PKCE_PLAIN_ALLOWED = False
# Offer the resource owner password grant (RFC 6749 4.3; discouraged, off).
OAUTH_PASSWORD_GRANT = False
# "opaque" random access tokens (looked up in the database) or "jwt" (RFC 9068,
# signed with OAUTH_JWT_KEYS; needs the `jwt` extra: pip install rustforge[jwt]).
OAUTH_ACCESS_TOKEN_FORMAT = "opaque"  # noqa: S105 - a format name
# Signing keys of JWT access tokens: [{"kid": "2026-12", "private_key": "<PEM>"}];
# the first signs, all are published at the JWKS endpoint (rotation).
OAUTH_JWT_KEYS: list[dict] = []
# RS256 (RSA keys) or ES256 (P-256 keys).
OAUTH_JWT_ALGORITHM = "RS256"
# The issuer identifier (https://auth.example.com); empty: this request's origin.
OAUTH_ISSUER = ""
# Requests per client IP to the token, revocation and introspection endpoints.
OAUTH_TOKEN_RATELIMIT = "120/m"  # noqa: S105 - a rate
# Rows deleted per statement by `cleartokens` and the periodic clean-up job.
OAUTH_CLEANUP_BATCH_SIZE = 1000
# When the periodic clean-up job runs (cron, UTC).
OAUTH_CLEANUP_CRON = "23 * * * *"

# --- Multi-tenancy (rustforge.contrib.tenancy) ---------------------------------
# Domains whose subdomains name tenants: with "example.com", a request to
# acme.example.com is tenant "acme". Custom domains are Domain rows.
TENANCY_BASE_DOMAINS: list[str] = []
# A request header naming the tenant by slug ("X-Tenant"); "" turns it off.
# Anyone can send a header: use it for trusted clients (internal services, tests).
TENANCY_HEADER = ""
# A request that names no tenant (the bare base domain): 404 when True,
# served without a current tenant when False (a public landing page).
TENANCY_REQUIRED = False
# Path prefixes served without resolving a tenant at all ("/health").
TENANCY_EXEMPT_PATHS: list[str] = []
# Seconds the project's cache keeps which tenant a host (or header) names,
# unknown hosts too; 0: resolve with the database on every request. A change
# to a tenant or a domain is seen at once where the cache is shared, within
# this time by processes with a cache of their own (locmem).
TENANCY_CACHE_TIMEOUT = 30
# One PostgreSQL schema per tenant (search_path) for the apps listed in
# TENANCY_SCHEMA_APPS; off: every tenant's rows share the tables (row scoping).
TENANCY_SCHEMAS = False
TENANCY_SCHEMA_APPS: list[str] = []
# Schema of tenant "acme": "<prefix>acme" (dashes become underscores).
TENANCY_SCHEMA_PREFIX = "tenant_"
# Tenant schemas `migrate --tenants` migrates at once.
TENANCY_MIGRATE_PARALLEL = 4

# --- Export (rustforge.contrib.export; docs/export.md) -----------------------------
# Above this many rows an export runs as a background job and gives a download link.
EXPORT_SYNC_MAX_ROWS = 50_000
# A PDF answered within the request holds at most this many rows and pages;
# a larger one becomes a background job (rows) or a 413 (pages).
EXPORT_PDF_MAX_ROWS = 2_000
EXPORT_PDF_MAX_PAGES = 100
# A PDF written by a background job holds at most this many pages.
EXPORT_JOB_PDF_MAX_PAGES = 5_000
# Seconds a signed download link of a background export stays valid.
EXPORT_LINK_MAX_AGE = 24 * 3600
# Start CSV files with a UTF-8 byte order mark (for spreadsheet programs); ?bom=1 per request.
EXPORT_CSV_BOM = False
# TrueType font for PDF reports (covers non-Latin text); None looks for DejaVu Sans
# (Debian package fonts-dejavu-core) and falls back to Helvetica (Latin-1 only).
EXPORT_PDF_FONT = None
# E-mail the download link of a finished background export to its owner.
EXPORT_EMAIL_LINK = True
# Queue of the background export jobs.
EXPORT_QUEUE = "default"

# --- Admin (rustforge.contrib.admin) -----------------------------------------------
# Title in the header and the browser tab of every admin page.
ADMIN_SITE_TITLE = "RustForge administration"
# Rows per list page (a ModelAdmin's list_per_page overrides it).
ADMIN_LIST_PER_PAGE = 100
# Longest search text accepted on a list page or an autocomplete: 400 above.
ADMIN_SEARCH_MAX_LENGTH = 200
# A foreign key is a <select> of the related rows up to this many; above, a
# searchable input (the related model's admin needs search_fields).
ADMIN_FK_SELECT_LIMIT = 100
# A foreign-key filter lists the related rows up to this many; above, filter by URL.
ADMIN_FILTER_CHOICES_LIMIT = 50
# Rows above which an unfiltered list page on PostgreSQL shows the planner's
# estimate instead of an exact count. None: exact.
ADMIN_COUNT_ESTIMATE_THRESHOLD: int | None = None
# A searched or filtered list page counts at most this many rows ("more than N").
# None: exact.
ADMIN_FILTERED_COUNT_LIMIT: int | None = None
