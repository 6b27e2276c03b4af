"""A tree of nodes with every kind of column: the fixture (dumpdata/loaddata) tests."""
