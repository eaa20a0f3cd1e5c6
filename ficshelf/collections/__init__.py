"""Collections: their pages, their members and moderators, and works joining them (with
approval from both sides). The rows themselves live in the works app, whose visibility
rule reads them (anonymous and unrevealed collections)."""
