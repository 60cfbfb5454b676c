"""The outbox: each waiting delivery sent on its channel (email over SMTP through Django's email
backend; the group robots of WeCom, DingTalk and Feishu over HTTPS, signed as each vendor
documents), retried with backoff, given up after the last try; every try is on the row.

DingTalk: `timestamp` (ms) and `sign` = Base64(HMAC-SHA256(key=secret, msg="timestamp\\nsecret"))
as URL parameters. Feishu: `timestamp` (s) and `sign` = Base64(HMAC-SHA256(key=
"timestamp\\nsecret", msg="")) in the JSON body. WeCom: the key is in the webhook URL, nothing
signed.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F

from laborwatch.notifications.models import Channel, Delivery

# Minutes before the next try after each failed one; after the last, the delivery is given up.
BACKOFF_MINUTES = (1, 5, 30, 120)
TIMEOUT_SECONDS = 10


class DeliveryError(Exception):
    pass


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    text = f"{timestamp_ms}\n{secret}".encode()
    return base64.b64encode(hmac.new(secret.encode(), text, hashlib.sha256).digest()).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def _post(url: str, payload: dict) -> dict:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return json.loads(response.read() or b"{}")
    except (OSError, ValueError) as error:
        raise DeliveryError(str(error)) from error


def send(delivery: Delivery, now: dt.datetime) -> None:
    channel = delivery.channel
    text = delivery.body
    if channel.kind == Channel.Kind.EMAIL:
        try:
            send_mail(delivery.subject, text, settings.DEFAULT_FROM_EMAIL, [channel.address])
        except OSError as error:
            raise DeliveryError(str(error)) from error
        return
    url = channel.address
    if channel.kind == Channel.Kind.WECOM:
        answer = _post(url, {"msgtype": "text", "text": {"content": text}})
        code = answer.get("errcode")
    elif channel.kind == Channel.Kind.DINGTALK:
        if channel.secret:
            stamp = int(now.timestamp() * 1000)
            query = urllib.parse.urlencode(
                {"timestamp": stamp, "sign": dingtalk_sign(channel.secret, stamp)}
            )
            url += ("&" if "?" in url else "?") + query
        answer = _post(url, {"msgtype": "text", "text": {"content": text}})
        code = answer.get("errcode")
    else:
        payload: dict = {"msg_type": "text", "content": {"text": text}}
        if channel.secret:
            stamp = int(now.timestamp())
            payload |= {"timestamp": str(stamp), "sign": feishu_sign(channel.secret, stamp)}
        answer = _post(url, payload)
        code = answer.get("code", answer.get("StatusCode"))
    if code != 0:
        raise DeliveryError(json.dumps(answer, ensure_ascii=False)[:500])


def outbox_send(*, now: dt.datetime) -> dict[str, int]:
    """Try every delivery whose time has come; each is claimed by moving its next try on."""
    sent = failed = 0
    due = Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
    for delivery in due.select_related("channel").order_by("next_attempt_at", "pk")[:500]:
        lease = now + dt.timedelta(minutes=BACKOFF_MINUTES[0])
        claimed = Delivery.objects.filter(
            pk=delivery.pk, status=Delivery.Status.PENDING, next_attempt_at__lte=now
        ).update(next_attempt_at=lease, attempts=F("attempts") + 1)
        if not claimed:
            continue
        delivery.attempts += 1
        try:
            send(delivery, now)
        except DeliveryError as error:
            delivery.last_error = str(error)
            if delivery.attempts > len(BACKOFF_MINUTES):
                delivery.status = Delivery.Status.FAILED
            else:
                minutes = BACKOFF_MINUTES[delivery.attempts - 1]
                delivery.next_attempt_at = now + dt.timedelta(minutes=minutes)
            failed += 1
        else:
            delivery.status = Delivery.Status.SENT
            delivery.sent_at = now
            sent += 1
        delivery.save(update_fields=["status", "sent_at", "last_error", "next_attempt_at"])
    return {"sent": sent, "failed": failed}
