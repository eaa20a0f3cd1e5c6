"""What members chose about their works and about being credited or given works
(``accounts.Preference``), checked where works are posted and shown.

- Refused gifts: a new gift to a member who refuses gifts is refused with a message naming
  them, as on AO3, unless the writer owes them the work (an exchange assignment: the
  challenges app answers ``gift_owed``). Gifts already on the work stay: turning the choice
  on refuses new gifts, it does not take old ones away (each can still be refused by hand).
- Refused co-creator invitations: a member who refuses them cannot be invited.
- Hidden from search engines: a work any of whose approved creators asked for it carries
  ``noindex``, and so do their creator pages.
"""

from __future__ import annotations

from collections.abc import Iterable

from ficshelf.accounts.access import members_who
from ficshelf.accounts.models import Pseud, User
from ficshelf.works.models import Creatorship, Gift, Work
from ficshelf.works.signals import gift_owed


def pseuds_refusing_gifts(
    pseuds: Iterable[Pseud], *, writer: User, work: Work | None = None
) -> list[Pseud]:
    """Those of ``pseuds`` whose member refuses gifts and may not be given this one."""
    pseuds = [p for p in pseuds if p.user_id is not None and p.user_id != writer.pk]
    refusing = members_who("refuse_gifts", (p.user_id for p in pseuds))
    if not refusing:
        return []
    if work is not None and work.pk is not None:
        # Gifts given before the member refused stay.
        already = Gift.objects.filter(work=work, refused_at__isnull=True, recipient__in=pseuds)
        refusing -= set(already.values_list("recipient__user_id", flat=True))
    for _receiver, owed in gift_owed.send(sender=Work, writer=writer, recipient_ids=refusing):
        refusing -= set(owed or ())
    return [p for p in pseuds if p.user_id in refusing]


def pseuds_refusing_co_creation(pseuds: Iterable[Pseud]) -> list[Pseud]:
    pseuds = list(pseuds)
    refusing = members_who("refuse_co_creator_invitations", (p.user_id for p in pseuds))
    return [p for p in pseuds if p.user_id in refusing]


def hidden_from_search_engines(work: Work) -> bool:
    # The work page's work carries the answer (``one_with_everything_shown``): no query.
    known: bool | None = getattr(work, "creators_refuse_robots", None)
    if known is not None:
        return known
    creators = Creatorship.objects.filter(work=work, is_approved=True)
    return bool(
        members_who("hide_from_search_engines", creators.values_list("pseud__user_id", flat=True))
    )


def member_hidden_from_search_engines(user: User) -> bool:
    return bool(members_who("hide_from_search_engines", [user.pk]))
