"""A small archive for the visibility walk: a subject work and a bystander, their creators,
a reader, an admin and a wrangler, all indexed as the worker leaves them."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import Permission
from django.test import Client

from ficshelf.accounts.models import Pseud, User
from ficshelf.core.sanitizer import SANITIZER_VERSION
from ficshelf.search.queue import drain_index_queue
from ficshelf.social.actions import save_bookmark
from ficshelf.tags.models import Tag, TagType
from ficshelf.works.models import Chapter, Creatorship, Series, SeriesWork, Work
from tests.factories import PseudFactory, UserFactory, WorkFactory

SUBJECT = "Subject Of The Walk"
BYSTANDER = "Bystander Work"
# Found only in the subject's text, where a scenario puts it.
WORD = "zanzibarite"
FANDOM = "Walk Fandom"
SECRET = "Walkabout Secret"  # not canonical: seen only where a work carrying it is
CANON = "Walk Canon Freeform"  # canonical, for the wrangling scenario
WATCHED_TAGS = (FANDOM, SECRET, CANON)
CREATOR = "walkwriter"
PARTNER = "walkpartner"  # co-creates the subject in some scenarios
BOOKMARKER = "walkbookmarker"  # bookmarks both works, publicly, as recs
# Where the subject was imported from (AO3's works/urls look-up finds it by this).
SOURCE_URL = "https://example.org/walk/subject"


@dataclass
class World:
    subject: Work
    bystander: Work
    series: Series
    creator: User
    partner: User
    reader: User
    admin: User
    wrangler: User
    bookmarker: User
    guest_client: Client = field(default_factory=Client)
    reader_client: Client = field(default_factory=Client)
    acting_client: Client = field(default_factory=Client)

    @property
    def creators(self) -> list[str]:
        """The members whose pages the walk reads: the partner once credited or invited."""
        invited = Creatorship.objects.filter(work=self.subject, pseud__user=self.partner)
        return [CREATOR, PARTNER] if invited.exists() else [CREATOR]

    def tag(self, name: str) -> Tag:
        return Tag.objects.get(name=name)

    def chapter(self, position: int) -> Chapter:
        return Chapter.objects.get(work_id=self.subject.pk, position=position)

    def act_as(self, user: User) -> Client:
        self.acting_client.force_login(user)
        return self.acting_client


def build_world() -> World:
    creator = UserFactory(username=CREATOR)
    creator_pseud = PseudFactory(user=creator, name=CREATOR)
    partner = UserFactory(username=PARTNER)
    PseudFactory(user=partner, name=PARTNER)
    fandom = Tag.objects.create(name=FANDOM, type=TagType.FANDOM, is_canonical=True)
    Tag.objects.create(name=CANON, type=TagType.FREEFORM, is_canonical=True)
    subject = WorkFactory(title=SUBJECT, creator=creator_pseud, source_url=SOURCE_URL)
    # A warning, as the posting form asks for one when the creator edits the work.
    no_warnings = Tag.objects.get(name="No Archive Warnings Apply")
    subject.tags.add(fandom, no_warnings, Tag.objects.create(name=SECRET, type=TagType.FREEFORM))
    first = subject.chapters.get()
    first.text = f"<p>The walk begins with a {WORD} on the road.</p>"
    first.save()
    bystander = WorkFactory(title=BYSTANDER, creator=PseudFactory(name="bystander"))
    bystander.tags.add(fandom)
    series = Series.objects.create(title="Walk Series")
    SeriesWork.objects.create(series=series, work=subject, position=1)
    wrangler = UserFactory(username="walkwrangler")
    wrangler.user_permissions.add(Permission.objects.get(codename="wrangle_tag"))
    world = World(
        subject=subject,
        bystander=bystander,
        series=series,
        creator=creator,
        partner=partner,
        reader=UserFactory(username="walkreader"),
        admin=UserFactory(username="walkadmin", is_staff=True, is_superuser=True),
        wrangler=wrangler,
        bookmarker=UserFactory(username=BOOKMARKER),
    )
    for work in (subject, bystander):
        save_bookmark(actor=world.bookmarker, work=work, is_rec=True)
    world.reader_client.force_login(world.reader)
    return world


def add_partner(world: World, *, approved: bool) -> Creatorship:
    pseud = Pseud.objects.get(user=world.partner)
    return Creatorship.objects.create(
        work=world.subject, pseud=pseud, position=1, is_approved=approved
    )


def move_word_to_a_second_chapter(world: World, *, posted: bool) -> Chapter:
    """The first chapter loses the word; a second chapter carries it."""
    first = world.chapter(1)
    first.text = "<p>The walk begins.</p>"
    first.save()
    return Chapter.objects.create(
        work=world.subject,
        position=2,
        title="Further",
        text=f"<p>Further on, a {WORD}.</p>",
        word_count=4,
        is_posted=posted,
    )


def index_everything() -> None:
    """What the worker does: the index holds the archive as it is now. The text is marked
    clean with today's sanitizer first, as the archive's own text is: otherwise the first
    reading of a work would clean it again and save it, a change of its own."""
    Work.objects.update(sanitizer_version=SANITIZER_VERSION)
    Chapter.objects.update(sanitizer_version=SANITIZER_VERSION)
    drain_index_queue()
