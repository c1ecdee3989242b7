"""Sending a queued WeChat template message (job entry point; takes the notification id).

Safe to run twice: a sent row is skipped, and the message carries a client_msg_id derived from the
event, so WeChat itself drops a duplicate. Each attempt is recorded; temporary failures (network,
busy, token) raise so RQ retries the job; permanent ones (user refused, unknown openid) do not.
"""

from __future__ import annotations

import logging

from app.extensions import db
from app.models import Notification, ResidentAccount
from app.models.types import utcnow
from app.wechat.errors import GatewayError, WeChatError
from app.wechat_client import wechat

log = logging.getLogger(__name__)


class NotificationFailed(Exception):
    """A temporary failure: raised so the queue retries the job."""


def send_notification(notification_id: str) -> str:
    """Send one notification unless it was already sent; returns its status."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.status == "sent":
        return notification.status if notification else "missing"
    account = db.session.get(ResidentAccount, notification.account_id)
    notification.attempts += 1
    try:
        msgid = wechat().send_template(
            account.openid,
            notification.template_id,
            notification.data,
            url=notification.url,
            client_msg_id=notification.client_msg_id,
        )
    except WeChatError as exc:
        notification.status = "failed"
        notification.last_error = f"wechat {exc.errcode}: {exc.errmsg}"[:200]
        db.session.commit()
        if exc.retryable or exc.is_token_error:
            raise NotificationFailed(notification.last_error) from exc
        log.warning("notification %s not deliverable: errcode %s", notification.id, exc.errcode)
        return notification.status
    except GatewayError as exc:
        notification.status = "failed"
        notification.last_error = f"{type(exc).__name__}"[:200]
        db.session.commit()
        raise NotificationFailed(notification.last_error) from exc
    notification.status = "sent"
    notification.msgid = msgid
    notification.sent_at = utcnow()
    notification.last_error = None
    db.session.commit()
    return notification.status
