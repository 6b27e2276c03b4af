"""Events: the framework's signals and custom events of apps.

    from rustforge.events import Event

    order_paid = Event("order_paid", "kwargs: order")

    # in an AppConfig.ready():
    order_paid.connect(update_stock)                         # now, in send()
    order_paid.connect(email_receipt, on_commit=True)        # after the commit
    order_paid.connect(sync_to_erp, queued=True)             # in a worker

    order_paid.send(sender=Order, order=order)

The framework's own signals live in ``rustforge.events.signals``.
"""

from rustforge.events.dispatch import Event, Signal

__all__ = ["Event", "Signal"]
