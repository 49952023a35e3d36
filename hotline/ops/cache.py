"""Django's Redis cache, failing open: with Redis down, a read finds nothing and a write is
dropped (logged, counted in hotline_cache_unavailable_total), instead of every request that
touches the cache answering 500.

What is in the cache can be lost without harm (docs/deploy.md, Redis): the sign-in and bearer
token lockout counts (hotline/accounts/signin.py) and the intraday figures' short-lived copies.
The price, while Redis is down: failed sign-ins are not counted, so no lockout starts or holds.
Measured by bench/faults.py: before this, every bearer-token API request (the PBX's CTI
reports, the desks' API) answered 500 for as long as Redis was down."""

import functools
import logging
from collections.abc import Callable
from typing import Any

import redis
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from prometheus_client import Counter

logger = logging.getLogger(__name__)
UNAVAILABLE = Counter(
    "hotline_cache_unavailable",
    "Cache reads and writes skipped because Redis did not answer.",
)
REDIS_DOWN = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


def _failing_open(method: Callable[..., Any], answer: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except REDIS_DOWN as error:
            UNAVAILABLE.inc()
            logger.warning("cache unavailable, %s skipped: %s", method.__name__, error)
            return answer(*args, **kwargs)

    return guarded


class FailOpenRedisCacheClient(RedisCacheClient):
    # What each operation answers with Redis down: as if the key were absent, or not written.
    # incr is left out: it raises on an absent key anyway, its callers handle errors.
    add = _failing_open(RedisCacheClient.add, lambda *_: False)
    get = _failing_open(RedisCacheClient.get, lambda _client, _key, default: default)
    set = _failing_open(RedisCacheClient.set, lambda *_: None)
    touch = _failing_open(RedisCacheClient.touch, lambda *_: False)
    delete = _failing_open(RedisCacheClient.delete, lambda *_: False)
    get_many = _failing_open(RedisCacheClient.get_many, lambda *_: {})
    has_key = _failing_open(RedisCacheClient.has_key, lambda *_: False)
    set_many = _failing_open(RedisCacheClient.set_many, lambda _client, data, _timeout: list(data))
    delete_many = _failing_open(RedisCacheClient.delete_many, lambda *_: None)


class FailOpenRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = FailOpenRedisCacheClient
