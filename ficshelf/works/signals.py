"""What the works app tells higher apps (search) about changes that saving one model at a
time does not announce.

Sent inside the action's transaction; receivers act in it too, so the change and what
follows from it (a queued reindex, which also moves the kept listing pages' keys) commit
together or not at all.
"""

from django.dispatch import Signal

# ``work_ids``: works whose visibility or shown content an action changed in bulk
# (hiding or unhiding several at once). ``search.signals`` queues them for reindexing.
works_changed = Signal()
