"""The five site pages with placeholder text, for the archive's admins to replace: each
says so. The Terms start at version 1 (members who sign up accept it)."""

from django.db import migrations
from django.db.migrations.state import StateApps
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from ficshelf.core.sanitizer import SANITIZER_VERSION
from ficshelf.sitecontent.markup import rendered_html

NOTE = (
    "*This is placeholder text. The archive's admins are expected to replace it with "
    "their own before the archive opens to the public.*"
)

PAGES = [
    (
        "terms",
        "Terms of Service",
        f"{NOTE}\n\nThese terms will say what members agree to when they use this archive: "
        "who may join, what may be posted, and what happens when the rules are broken.",
    ),
    (
        "privacy",
        "Privacy Policy",
        f"{NOTE}\n\nThis policy will say what the archive keeps about its members and "
        "visitors, why, for how long, and how to ask for a copy or for its deletion.",
    ),
    (
        "content-policy",
        "Content Policy",
        f"{NOTE}\n\nThis policy will say what may be posted here, how works must be rated "
        "and tagged, and how to report something that breaks the rules.",
    ),
    (
        "faq",
        "Frequently Asked Questions",
        f"{NOTE}\n\n## Accounts\n\n### How do I create an account?\n\n"
        "Follow the Sign up link at the top of any page.\n\n"
        "## Posting\n\n### How do I post a work?\n\n"
        "Sign in, then choose Post at the top of any page.",
    ),
    (
        "about",
        "About",
        f"{NOTE}\n\nThis page will say who runs this archive, what it is for, and how "
        "to reach its team.",
    ),
]


def create_pages(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    SitePage = apps.get_model("sitecontent", "SitePage")
    PageRevision = apps.get_model("sitecontent", "PageRevision")
    SiteState = apps.get_model("sitecontent", "SiteState")
    for slug, title, source in PAGES:
        page, _ = SitePage.objects.get_or_create(slug=slug)
        if page.current_revision_id is not None:
            continue
        revision = PageRevision.objects.create(
            page=page,
            number=1,
            title=title,
            text_format="markdown",
            source=source,
            html=rendered_html(source, "markdown"),
            sanitizer_version=SANITIZER_VERSION,
            summary="Placeholder text for the archive's admins to replace.",
            terms_version=1 if slug == "terms" else None,
        )
        page.current_revision = revision
        page.save(update_fields=["current_revision"])
    SiteState.objects.get_or_create(pk=1, defaults={"generation": 1})


class Migration(migrations.Migration):
    dependencies = [("sitecontent", "0001_initial")]

    operations = [migrations.RunPython(create_pages, migrations.RunPython.noop)]
