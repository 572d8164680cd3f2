"""Personal calendar feed tokens."""

from __future__ import annotations

from training.models import Personnel

from ..models import CalendarFeed, _new_feed_token


def calendar_feed_get_or_create(*, personnel: Personnel) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(personnel=personnel)
    return feed


def calendar_feed_reset(*, personnel: Personnel) -> CalendarFeed:
    """Issue a new token; the old feed URL stops working at once."""
    feed = calendar_feed_get_or_create(personnel=personnel)
    feed.token = _new_feed_token()
    feed.save(update_fields=["token"])
    return feed
