"""The Redis cache's connections, shared by every request of a process.

Django's Redis cache keeps a connection pool per cache object, and cache objects are per
thread. Under ASGI each request's sync code runs in a thread of its own, so every request
opened a new TCP connection to Redis for the one lockout check it makes (the bearer token's
address, accounts.signin). One pool per process and URL, as `audit.live` keeps its publisher,
hands each request a connection already open. redis-py's pools are thread-safe and reset
themselves in a forked child.
"""

import threading
from typing import Any

import redis


class SharedConnectionPool(redis.ConnectionPool):
    _shared_pools: dict[tuple[str, str], redis.ConnectionPool] = {}
    _shared_lock = threading.Lock()

    @classmethod
    def from_url(cls, url: str, **options: Any) -> Any:
        key = (url, repr(sorted(options.items())))
        with cls._shared_lock:
            if key not in cls._shared_pools:
                cls._shared_pools[key] = super().from_url(url, **options)
            return cls._shared_pools[key]
