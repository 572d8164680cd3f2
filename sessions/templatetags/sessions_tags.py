from django import template

from sessions.timefmt import format_local
from sessions.zoom import format_meeting_id

register = template.Library()


@register.filter
def local(value, tz_name):
    """{{ session.start_at|local:tz }} → "Selasa, 15 November 2022 09.00 WIB"."""
    return format_local(value, tz_name)


@register.filter
def local_time(value, tz_name):
    """{{ session.end_at|local_time:tz }} → "11.00 WIB"."""
    return format_local(value, tz_name, with_date=False)


@register.filter
def meeting_id(value):
    return format_meeting_id(value)
