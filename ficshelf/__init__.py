"""Ficshelf: a fanworks archive any fandom community can run itself."""
