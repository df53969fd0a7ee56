"""Council elections and local consultations, run on the ballot engine (``voting``).

- ``models``: the pages (``ConsultationIndexPage``, ``ElectionPage``, ``ConsultationPage``),
  candidates, the links from pages to their contests, the notices already sent;
- ``elections``, ``consultations``, ``notices``: the rules (services);
- ``eligibility``, ``rules``: who may vote, who may do what in the admin;
- ``views``, ``forms``, ``admin``, ``hooks``, ``signals``: the thin layers around them;
- ``demo``: the demo town's election and consultations.

``councils.models`` imports ``models`` so Django registers them in the ``councils`` app.
"""
