"""The ballot engine's rules, as plain functions called by views, admin, blocks and tasks.

* :mod:`.roll` — importing the electoral roll, proving one is on it;
* :mod:`.setup` — sealing a contest (manifest, key shares), handing shares out;
* :mod:`.casting` — one vote per voter, into the sealed, chained box;
* :mod:`.counting` — trustees' partial decryptions, the count, the proclamation;
* :mod:`.paper` — paper voters and polling-station results;
* :mod:`.record` — the public record for independent verification.
"""
