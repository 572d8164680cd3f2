import pytest

from sessions.zoom import format_meeting_id, normalize_meeting_id, parse_join_url
from training.errors import ApplicationError


@pytest.mark.parametrize(
    "url, meeting_id, personal, pwd, host",
    [
        ("https://zoom.us/j/81234567890", "81234567890", "", "", "zoom.us"),
        (
            "https://us02web.zoom.us/j/81234567890?pwd=aBcD1234.1",
            "81234567890",
            "",
            "aBcD1234.1",
            "us02web.zoom.us",
        ),
        ("https://polri.zoom.us/j/812345678/", "812345678", "", "", "polri.zoom.us"),
        ("https://ZOOM.US/j/8123456789?pwd=x&from=addon", "8123456789", "", "x", "zoom.us"),
        ("https://zoom.us/my/polda.kalbar", "", "polda.kalbar", "", "zoom.us"),
        ("https://us06web.zoom.us/w/81234567890?tk=abc", "81234567890", "", "", "us06web.zoom.us"),
        ("  https://zoom.us/wc/join/81234567890  ", "81234567890", "", "", "zoom.us"),
    ],
)
def test_valid_join_links(url, meeting_id, personal, pwd, host):
    link = parse_join_url(url)
    assert (link.meeting_id, link.personal_name, link.passcode_token, link.host) == (
        meeting_id,
        personal,
        pwd,
        host,
    )


@pytest.mark.parametrize(
    "url, reason",
    [
        ("", "Enter"),
        ("http://zoom.us/j/81234567890", "https"),
        ("https://zoom.us.evil.com/j/81234567890", "not a Zoom link"),
        ("https://evilzoom.us/j/81234567890", "not a Zoom link"),
        ("https://zoom.com/j/81234567890", "not a Zoom link"),
        ("https://user:pw@zoom.us/j/81234567890", "user name"),
        ("https://zoom.us:8443/j/81234567890", "port"),
        ("https://zoom.us/j/12345678", "must look like"),  # 8 digits
        ("https://zoom.us/j/123456789012", "must look like"),  # 12 digits
        ("https://zoom.us/meeting/81234567890", "must look like"),
        ("https://zoom.us/j/81234567890?pwd=<script>", "pwd"),
        ("zoom.us/j/81234567890", "https"),
    ],
)
def test_invalid_join_links(url, reason):
    with pytest.raises(ApplicationError, match=reason):
        parse_join_url(url)


@pytest.mark.parametrize(
    "raw, grouped",
    [
        ("81234567890", "812 3456 7890"),
        ("8123456789", "812 345 6789"),
        ("812345678", "812 345 678"),
    ],
)
def test_meeting_id_grouping(raw, grouped):
    assert format_meeting_id(raw) == grouped
    assert normalize_meeting_id(grouped) == raw


@pytest.mark.parametrize("raw", ["1234", "812-3456-78901x", "812345678901", ""])
def test_invalid_meeting_ids(raw):
    with pytest.raises(ApplicationError, match="9 to 11 digits"):
        normalize_meeting_id(raw)
