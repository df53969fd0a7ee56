"""Counting rules over anonymous approval profiles (plain Python, no Django).

:mod:`.greedy` is the participatory budget's historical rule (most votes
first, within the envelope); :mod:`.equal_shares` the Method of Equal
Shares. Both take ``costs`` (project id -> cost), the ``ballots`` (each an
iterable of approved project ids) and the ``envelope``, and return a
:class:`~.outcome.BudgetOutcome`. :mod:`.pabulib` reads and writes the
Pabulib ``.pb`` format.
"""
