"""What the works app tells higher apps (social, search) about changes that saving one model
at a time does not announce.

Sent inside the action's transaction; receivers act in it too, so the change and what
follows from it (a queued reindex, which also moves the kept listing pages' keys) commit
together or not at all.
"""

from django.dispatch import Signal

# ``work_ids``: works whose visibility or shown content an action changed in bulk
# (hiding or unhiding several at once). ``search.signals`` queues them for reindexing.
works_changed = Signal()

# ``work``: a work was posted (a draft became public). ``social.receivers`` tells the
# subscribers of its creators and series, and the creators of the work it names as its source.
work_posted = Signal()

# ``chapter``: a chapter was posted. ``social.receivers`` tells the work's subscribers (once
# the work itself is posted).
chapter_posted = Signal()

# ``work``, ``source_ids``: a posted work now names these works of this archive as its
# sources, waiting for their creators' approval. ``social.receivers`` tells those creators.
source_named = Signal()

# ``work``, ``recipient_names``: an edit of a posted work gave it to more people (posting a
# work announces all its gifts with ``work_posted``). ``social.receivers`` tells them.
gifts_given = Signal()

# ``work``, ``purge_on`` (a date): the draft purge will delete this draft on that day unless
# it is posted (``works.drafts``). ``social.receivers`` tells its creators in their inbox.
draft_purge_coming = Signal()

# ``invitation``: a member was invited to co-create, not credited until they accept: a
# ``Creatorship`` (a work), ``ChapterCreatorship`` (a chapter) or ``SeriesCreatorship`` (a
# series), with ``is_approved`` False. ``social.receivers`` tells them where to answer.
co_creator_invited = Signal()

# ``invitation``: the invited member accepted (``is_approved`` now True). ``social.receivers``
# rewrites the invitation's notice, whose answer is gone from the dashboard. A declined or
# withdrawn invitation needs no signal: its row is deleted, and its notice with it (the
# notice's foreign key, ``social.InboxItem``).
co_creator_accepted = Signal()

# ``item``, ``actor``, ``event`` (one of ``ItemEvent``): a work joined a collection, one side
# answered, or it was taken out. ``collections.receivers`` tells the other side.
collection_item_changed = Signal()

# ``collection``, ``work_ids``, ``creators_of`` (work ids whose creators are now named): a
# collection's works were revealed. ``collections.receivers`` tells their creators.
collection_revealed = Signal()

# ``request``, ``work``, ``chapter`` (None for the entire work), ``is_chapter_address`` (the
# reader opened that chapter's own address, not the work's): a reader was shown the work's
# text (not the adult notice, not a preview). ``social.receivers`` counts the hit and
# records the reading history and place. Sent outside any transaction: the page is a read.
work_viewed = Signal()


class ItemEvent:
    """What happened to a collection item (``collection_item_changed``'s ``event``)."""

    ADDED = "added"
    CREATOR_APPROVED = "creator_approved"
    CREATOR_REJECTED = "creator_rejected"
    COLLECTION_APPROVED = "collection_approved"
    COLLECTION_REJECTED = "collection_rejected"
    REMOVED = "removed"


# ``writer``, ``recipient_ids``: members who refuse gifts, named as recipients of a work by
# ``writer``. Receivers return the ids among them the writer owes a work anyway (an exchange
# assignment, ``challenges.receivers``), which are let through as AO3 does.
gift_owed = Signal()
