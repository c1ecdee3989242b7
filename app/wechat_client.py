"""The WeChat gateway configured for this app, shared by the resident flow and jobs."""

from __future__ import annotations

from flask import Flask, current_app

from app.wechat.cache import MemoryTokenCache, RedisTokenCache
from app.wechat.gateway import WeChatGateway


def init_wechat(app: Flask) -> None:
    """Build the gateway from config; tokens are cached in Redis when there is one (shared by workers)."""
    if app.config.get("REDIS_URL"):
        from redis import Redis

        cache = RedisTokenCache(Redis.from_url(app.config["REDIS_URL"]))
    else:
        cache = MemoryTokenCache()
    app.extensions["doudi_wechat"] = WeChatGateway(
        app.config["WECHAT_APPID"],
        app.config["WECHAT_SECRET"],
        api_base=app.config["WECHAT_API_BASE"],
        open_base=app.config["WECHAT_OPEN_BASE"],
        cache=cache,
        timeout=app.config["WECHAT_TIMEOUT"],
        max_media_bytes=app.config["MAX_CONTENT_LENGTH"],
    )


def wechat() -> WeChatGateway:
    """The current app's gateway."""
    return current_app.extensions["doudi_wechat"]
