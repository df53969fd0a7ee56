"""One mailbox, one account: the canonical form of an e-mail address.

Most providers deliver ``jean+budget@x.fr`` to ``jean@x.fr``, and Gmail
ignores dots: ``j.e.a.n@gmail.com`` is ``jean@gmail.com``. Signing up again
with such a variant would give the same person a second account, so a second
vote in a budget vote. Accounts remember the canonical form of their sign-up
address (``Profile.mailbox``, unique); that is also why a resident cannot add
a second address to their account (``ACCOUNT_MAX_EMAIL_ADDRESSES = 1``).
"""

GMAIL_DOMAINS = {"gmail.com", "googlemail.com"}


def canonical_email(address: str) -> str:
    """Lower case, without “+tag”, and without dots for Gmail: one value per real mailbox."""
    local, _, domain = address.strip().lower().rpartition("@")
    local = local.split("+", 1)[0]
    if domain in GMAIL_DOMAINS:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"
