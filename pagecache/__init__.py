"""A page cache for anonymous visitors, and the headers a reverse proxy or CDN needs.

Wagtail has no page cache of its own and wagtail-cache (3.0) requires
Wagtail < 8, so this wires Django's cache framework to Wagtail:

- ``middleware.PageCacheMiddleware`` serves and stores whole responses to
  anonymous GET requests, keyed by scheme, host, language and path;
- ``purge`` forgets every cached page when content changes (a new
  *generation*), and tells the reverse proxy (``wagtail.contrib.frontend_cache``);
- ``boundaries`` bounds each entry's lifetime by the next phase change of
  anything on the site (a vote opening at 11:03 shows as open at 11:03);
- ``shared`` and ``fragments`` keep, with the same freshness, what every
  visitor's page shares (site, settings, menu; lists and blocks), for the
  pages the cache does not serve (signed-in residents, forms, page numbers);
- ``routing`` keeps, with the same freshness, which page a path leads to and
  which view restrictions apply to it (one query instead of Wagtail's two to six);
- ``personal`` keeps what every page asks about the signed-in resident alone
  (may they open the admin, their unread notifications), per user, until it changes.

Settings: ``PARVIS_PAGE_CACHE = {"ALIAS": "pages", "SECONDS": 300}``; 0
seconds turns the cache off (headers stay correct). ``"FRAGMENT_SECONDS"``
(default 300) caps a shared fragment's life; 0 keeps none.
"""
