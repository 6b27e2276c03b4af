"""Cache backends: ``locmem://`` (embedded default), ``memcached://``, ``dummy://``."""
