"""What the accounts app tells higher apps about changes to members.

Sent inside the action's transaction, so what the receivers do commits with the change.
The accounts app is below works and search, so it cannot call them; they listen here.
"""

from django.dispatch import Signal

# ``user_ids``: members who became visible or invisible to others (suspended, unsuspended).
# ``search.signals`` moves the kept listing pages' keys: a kept page of their works must
# not outlive the change.
members_changed = Signal()

# ``user``, ``orphan_works``: an account is about to be deleted. The works app hands its
# works to orphan_account (``orphan_works``) or deletes those nobody else co-created,
# before the account and its pseuds go.
account_closing = Signal()

# ``pseud``, ``default``: a pseud is about to be deleted. The works app credits its works to
# the owner's ``default`` pseud instead, before the pseud goes.
pseud_deleting = Signal()

# ``user``, ``version``: a member accepted this version of the Terms of Service (at
# sign-up: ``accounts.terms``). The app that keeps the Terms records it.
terms_accepted = Signal()
