"""The deploy checks of the ops app (``manage.py check --deploy``).

Security settings in :mod:`.security`, the stack (workers, backends,
timeouts, metrics, reachability) in :mod:`.stack`. Each message has an id
(silence it with ``SILENCED_CHECKS`` or ``check --silence``) and a hint.
"""

from rustforge.contrib.ops.checks import security, stack  # noqa: F401  (registers them)
