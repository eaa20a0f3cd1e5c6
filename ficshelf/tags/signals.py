"""What the tags app tells higher apps about wrangling.

Sent inside the wrangling transaction, after the works' filter taggings were recomputed.
"""

from django.dispatch import Signal

# ``work_ids``: works a wrangling change moved between filters. ``search.signals`` queues
# them for reindexing (which also moves the kept listing pages' keys).
filters_changed = Signal()
