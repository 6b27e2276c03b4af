"""Operations: deploy checks (``check --deploy``) and ``manage.py doctor``.

The probes and ``/metrics`` are part of the core (``rustforge.http.probes``);
this app adds what an operator runs by hand. It imports no other app: every
app reports its own checks through ``rustforge.checks`` and its readiness
through ``rustforge.health``.
"""
