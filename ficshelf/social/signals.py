"""What the social app tells higher apps (search) about the counts it keeps.

Sent by ``social.counters`` inside the transaction that changed a count, so what follows
from it (a queued reindex) commits with the count or not at all.
"""

from django.dispatch import Signal

# ``work_ids``: works whose kudos, hits, comments or bookmarks counts changed.
# ``counters_only``: True when nothing but the hits changed; the index may then wait for
# its periodic drain (hits change on every first visit of the day, and no reader needs a
# hit count the second it happens). ``search.signals`` queues the works for reindexing.
counts_changed = Signal()
