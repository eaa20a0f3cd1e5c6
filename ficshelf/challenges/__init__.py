"""Challenges run on a collection: gift exchanges (sign-ups, tag sets, matching,
assignments) and prompt memes (prompts, claims, fills)."""
