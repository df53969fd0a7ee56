"""Turn a public video link into a privacy-friendly embed address.

Wagtail's oEmbed finders call the provider over the network when a page is
saved or rendered; we only need the embed address of a few known hosts, and
we want their no-cookie variants, so a resident's browser contacts no
third party until they choose to play the video (CNIL guidance on trackers).
"""

import re
from urllib.parse import parse_qs, urlparse

_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")
_SIMPLE_ID = re.compile(r"^[A-Za-z0-9]{4,40}$")


def privacy_embed_url(url: str) -> str | None:
    """Return the embed URL for a YouTube, Vimeo, Dailymotion or PeerTube link, else None."""
    parsed = urlparse(url.strip())
    if parsed.scheme not in {"http", "https"} or not parsed.hostname:
        return None
    host = parsed.hostname.lower().removeprefix("www.").removeprefix("m.")
    parts = [part for part in parsed.path.split("/") if part]

    if host in {"youtube.com", "youtube-nocookie.com"}:
        if parts[:1] == ["watch"] or not parts:
            video_id = parse_qs(parsed.query).get("v", [""])[0]
        elif parts[0] in {"embed", "shorts", "live"} and len(parts) > 1:
            video_id = parts[1]
        else:
            video_id = ""
        return f"https://www.youtube-nocookie.com/embed/{video_id}" if _YOUTUBE_ID.match(video_id) else None
    if host == "youtu.be" and parts and _YOUTUBE_ID.match(parts[0]):
        return f"https://www.youtube-nocookie.com/embed/{parts[0]}"
    if host in {"vimeo.com", "player.vimeo.com"}:
        video_id = next((part for part in parts if part.isdigit()), "")
        return f"https://player.vimeo.com/video/{video_id}?dnt=1" if video_id else None
    if host in {"dailymotion.com", "dai.ly"}:
        video_id = parts[-1] if parts else ""
        return f"https://www.dailymotion.com/embed/video/{video_id}" if _SIMPLE_ID.match(video_id) else None
    # PeerTube instances (any host): /w/<id> or /videos/watch/<uuid>.
    if len(parts) == 2 and parts[0] == "w" or parts[:2] == ["videos", "watch"] and len(parts) == 3:
        return f"{parsed.scheme}://{parsed.netloc}/videos/embed/{parts[-1]}"
    return None
