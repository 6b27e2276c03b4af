"""Events: signals sent by the framework and custom events of apps.

See ``rustforge.events.signals`` for the framework's own signals.
"""

from rustforge.events.dispatch import Signal

__all__ = ["Signal"]
