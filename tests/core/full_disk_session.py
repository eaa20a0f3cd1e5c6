"""Run by test_full_disk_for_real.py in a process of its own, against a data folder on a
small filesystem: fills the disk, then reads and writes as visitors would, and prints what
each answered as JSON. Not a test module itself."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ficshelf.settings")


def main() -> None:
    import django

    django.setup()
    from django.test import Client

    from ficshelf.accounts.actions import ensure_default_pseud
    from ficshelf.accounts.models import User
    from ficshelf.core.form_guards import HONEYPOT_FIELD, STARTED_FIELD, fresh_stamp
    from ficshelf.search.queue import drain_index_queue
    from ficshelf.works.actions import ChapterData, WorkData, create_work
    from ficshelf.works.models import Language

    writer = User.objects.create_user("writer", password="correct horse battery staple")
    ensure_default_pseud(writer)
    data = WorkData(
        title="Written Before",
        rating="General Audiences",
        warnings=["No Archive Warnings Apply"],
        fandoms=["Original Work"],
        language=Language.objects.get(short="en"),
        chapter=ChapterData(text="<p>Words from before the disk filled.</p>"),
    )
    work = create_work(data, actor=writer, post=True)
    drain_index_queue()
    chapter = work.chapters.get()
    comment_url = f"/works/{work.pk}/chapters/{chapter.pk}/comments/"
    # As a person sends it: past the spam guard (empty honeypot, shown a minute before).
    comment = {
        "text": "Kept for later.",
        "guest_name": "Pat",
        "guest_email": "p@x.org",
        HONEYPOT_FIELD: "",
        STARTED_FIELD: fresh_stamp(time.time() - 60),
    }

    poster = Client(raise_request_exception=False)
    poster.force_login(writer)  # signed in before: a session is a write

    filler = Path(sys.argv[1])
    # Unbuffered: a write the full disk refuses leaves nothing behind for close() to try
    # again (a buffered file raised "no space" a second time on closing).
    with filler.open("wb", buffering=0) as handle:  # fill the disk to the last byte
        try:
            while True:
                handle.write(b"\0" * 65536)
        except OSError:
            pass
    visitor = Client(raise_request_exception=False)
    answers: dict[str, object] = {}
    for name, url, expected in [
        ("listing", "/works/", "Written Before"),
        ("search", "/search/?q=Before", "Written Before"),
        ("work", work.get_absolute_url(), "Words from before"),
        ("login page", "/accounts/login/", "Password"),
    ]:
        response = visitor.get(url)
        answers[name] = [response.status_code, expected in response.content.decode()]
    response = visitor.post(comment_url, comment)
    answers["comment while full"] = [response.status_code, "out of space" in response.text]
    new_work = {
        "rating": "General Audiences",
        "warnings": "No Archive Warnings Apply",
        "fandoms": "Original Work",
        "title": "Written While Full",
        "language": Language.objects.get(short="en").pk,
        "comment_permission": "everyone",
        "text_format": "html",
        "text": "<p>Not lost.</p>",
        "action": "post",
    }
    response = poster.post("/works/new/", new_work)
    answers["posting while full"] = [response.status_code, "&lt;p&gt;Not lost." in response.text]
    filler.unlink()  # room again
    answers["comment after"] = visitor.post(comment_url, comment).status_code
    print(json.dumps(answers))


if __name__ == "__main__":
    main()
