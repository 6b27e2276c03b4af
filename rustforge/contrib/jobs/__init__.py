"""The jobs dashboard: queues, workers, failed and scheduled jobs, for staff (``/_jobs/``)."""
