"""The challenges app's part of a member's "Download my data" zip (``downloads.member_data``):
their exchange sign-ups, the prompts they posted and the prompts they claimed."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from ficshelf.accounts.models import User
from ficshelf.challenges.models import SignUp
from ficshelf.challenges.prompt_meme_models import Claim, MemePrompt
from ficshelf.downloads.member_data import MAX_ROWS, member_data_wanted


@receiver(member_data_wanted)
def _member_data(sender: Any, user: User, **kwargs: Any) -> list[tuple[str, list[dict[str, Any]]]]:
    # One more than the limit is read, so the export can say that some were left out.
    signups = SignUp.objects.filter(user=user).select_related("exchange__collection", "pseud")
    prompts = MemePrompt.objects.filter(prompter=user).select_related("meme__collection")
    claims = Claim.objects.filter(claimer=user).select_related("prompt__meme__collection")
    return [
        (
            "exchange_signups",
            [
                {
                    "collection": s.exchange.collection.name,
                    "pseud": s.pseud.name,
                    "created_at": s.created_at,
                }
                for s in signups.order_by("pk")[: MAX_ROWS + 1]
            ],
        ),
        (
            "prompts",
            [
                {
                    "collection": p.meme.collection.name,
                    "title": p.title,
                    "description": p.description,
                }
                for p in prompts.order_by("pk")[: MAX_ROWS + 1]
            ],
        ),
        (
            "claims",
            [
                {"collection": c.prompt.meme.collection.name, "prompt": c.prompt.title}
                for c in claims.order_by("pk")[: MAX_ROWS + 1]
            ],
        ),
    ]
