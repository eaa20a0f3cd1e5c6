"""The ``ficshelf`` console script: Django's command line with the project's settings.

``manage.py`` and ``python -m ficshelf`` call the same ``main()``. Friendly top-level
commands (``serve``, ``import``) are ordinary management commands, so
``ficshelf help`` lists them with Django's own.
"""

import os
import sys

# Commands whose names read better with hyphens than Django's module names allow.
HYPHENATED = {"move-to-postgres": "move_to_postgres", "search-indexer": "search_indexer"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ficshelf.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    arguments = list(argv if argv is not None else sys.argv[1:])
    if arguments:
        arguments[0] = HYPHENATED.get(arguments[0], arguments[0])
    try:
        execute_from_command_line(["ficshelf", *arguments])
    except ImproperlyConfigured as problem:  # a setting given a value it cannot take
        sys.exit(f"ficshelf: {problem}")


if __name__ == "__main__":
    main()
