"""The ballot engine's rules, as plain functions called by views, admin, blocks and tasks.

* :mod:`.roll` — importing the electoral roll, proving one is on it;
* :mod:`.setup` — what a contest needs before sealing, its manifest, dates by hand;
* :mod:`.ceremony` — the trustees' key ceremony, which seals the contest;
* :mod:`.trustees` — a trustee's next task and their device's answer, whatever the step;
* :mod:`.casting` — one vote per voter, into the sealed, chained box;
* :mod:`.counting` — trustees' partial decryptions, the count, the proclamation;
* :mod:`.paper` — paper voters and polling-station results;
* :mod:`.record` — the public record for independent verification.
"""
