"""The trustee's side of a vote, runnable on an offline machine without Django.

``python -m voting.trustee`` (see :mod:`.__main__`) does with files what the
trustee's browser page does on screen: make the trustee's keys in the key
ceremony, check the others' contributions, and decrypt the encrypted totals
after the close. It needs Python 3.11, coincurve and cryptography only.
"""
