"""Notifications in the site and by mail; :func:`notify` is what other parts call."""

from service.notifications.kinds import KIND_LABELS, NotificationKind
from service.notifications.operations import notify, queue_mail, staff_in_region, staff_of

__all__ = ["KIND_LABELS", "NotificationKind", "notify", "queue_mail", "staff_in_region", "staff_of"]
