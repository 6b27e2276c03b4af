"""A small ledger for the export tests: accounts owned by users, and their entries."""
