"""Skins against hostile CSS: every declaration, selector and rule below is left out, and
the CSS writers really use comes through (issue 16 asks for at least 100 hostile
declarations)."""

from __future__ import annotations

import pytest
from django.test import override_settings

from ficshelf.core.css_sanitizer import CSS_MAX_LENGTH, clean_css, public_site_skin_refusals
from ficshelf.core.image_hosts import parse_image_hosts

HOSTILE_DECLARATIONS = [
    # Old browsers' ways to run code from CSS, escaped and cased every way.
    "behavior: url(script.htc)",
    "-ms-behavior: url(x.htc)",
    "behaviour: url(x.htc)",
    "-ms-behavior: none",
    "-moz-binding: url('https://evil.example/xbl.xml#x')",
    "-moz-binding: none",
    "binding: url(x.xml)",
    "-m\\6f z-binding: url(x.xml)",
    "\\62 ehavior: url(x.htc)",
    "width: expression(alert(1))",
    "width: EXPRESSION(alert(1))",
    "width: expr\\65 ssion(alert(1))",
    "w\\69 dth: expression(1)",
    "width: 1px/**/expression(alert(1))",
    "top: expression(document.body.scrollTop)",
    "visibility: expression(x)",
    "voice-family: expression(1)",
    "xss: expression(alert(1))",
    "font: 12px expression(alert(1))",
    "color: rgb(expression(alert(1)),0,0)",
    "width: -moz-calc(expression(1))",
    "width: calc(expression(1))",
    "filter: progid:DXImageTransform.Microsoft.AlphaImageLoader(src='x.png')",
    '-ms-filter: "progid:DXImageTransform.Microsoft.Alpha(Opacity=50)"',
    # Script and data addresses, and images from where they may not come.
    "background: url(javascript:alert(1))",
    'background: url("javascript:alert(1)")',
    "background: url( javascript:alert(1) )",
    "background-image: url('java\\09script:alert(1)')",
    "background-image: url('jav&#x61;script:alert(1)')",
    "background: u\\72 l(javascript:alert(1))",
    "background: URL(JAVASCRIPT:alert(1))",
    "list-style: url(vbscript:msgbox(1))",
    "list-style-image: url(livescript:x)",
    "border-image: url(javascript:alert(1)) 30",
    "background: url(data:image/png;base64,AAAA)",
    'background: url("data:image/svg+xml,<svg onload=alert(1)>")',
    "background-image: url(http://evil.example/track.png)",
    "background-image: url(//evil.example/a.png)",
    "background-image: url(/local/a.png)",
    "background-image: url(a.png)",
    "background-image: url(https://evil.example/a.php)",
    "background-image: url(https://evil.example/a.svg)",
    "background-image: url(https://evil.example/a.png\\29 )",
    'background-image: url("https://img.example.org/a.png" x)',
    "background: #ff0000 url(https://img.example.org/a.png), url(javascript:alert(1))",
    "background-image: url(ftp://img.example.org/a.png)",
    "background-image: url(file:///etc/passwd.png)",
    "background: url(https://img.example.org/a.png))",
    "content: url(javascript:alert(1))",
    "content: url(https://evil.example/track.gif)",
    # Addresses where no image belongs.
    "color: url(https://img.example.org/a.png)",
    "cursor: url(https://img.example.org/c.png), auto",
    "text-shadow: 0 0 0 url(https://img.example.org/a.png)",
    "text-decoration: url(x)",
    "overflow: url(x)",
    "speak: url(x)",
    "cue: url(https://img.example.org/sound.wav)",
    "cue-before: url(x.wav)",
    "play-during: url(x.mid)",
    "border-image-source: url(https://img.example.org/a.png)",
    "font-family: url(x)",
    "filter: url(#svgfilter)",
    "mask: url(x.svg)",
    "mask-image: url(https://img.example.org/a.png)",
    "clip-path: url(#x)",
    "shape-outside: url(https://img.example.org/a.png)",
    "src: url(x.woff)",
    "src: local(x)",
    # Functions that draw other parts of the page, read attributes or reach the outside.
    "background: -moz-element(#login)",
    "background: element(#login)",
    "background-image: image-set(url(https://img.example.org/a.png) 1x)",
    "background: cross-fade(url(a.png), url(b.png))",
    "background: image(url(x.png))",
    "background: paint(worklet)",
    "content: attr(data-x)",
    "width: attr(data-w px)",
    "color: var(--x)",
    # Custom properties: values we could not judge where they end up.
    "--evil: url(x)",
    "--x: red",
    # Covering the page, or sticking to it.
    "position: fixed",
    "position: FIXED",
    "position: f\\69xed",
    "position: fixed !important",
    "-webkit-position: fixed",
    "position: sticky",
    "position: -webkit-sticky",
    # Breaking out of the stylesheet or the page.
    "color: red</style><script>alert(1)</script>",
    'content: "<script>alert(1)</script>"',
    'content: "\\3c script\\3e"',
    'font-family: "x</style><script>alert(1)</script>"',
    'quotes: "<" ">"',
    "color: red\\;",
    "color: inherit !ie",
    # Properties that are no skin's business.
    "-o-link: javascript:alert(1)",
    "-o-link-source: current",
    '-replace: "x"',
    "-use-link-source: current",
    "include-source: url(x)",
    "accelerator: true",
    "move-to: here",
    "string-set: title content()",
    "nav-up: #login",
    "target-new: window",
    "marquee-style: scroll",
    "ime-mode: active",
    "pointer-events: none",
    "all: unset",
    "-webkit-user-modify: read-write",
    "animation: spin 1s infinite",
    "animation-name: x",
    "unicode-range: U+0-7F",
    # Numbers that make boxes the size of the world.
    "transition: all 99999s",
    "width: 100000px",
    "width: 1e9px",
    "z-index: 2147483647",
    "font-size: 99999em",
    "margin-top: -10000px",
    "left: -99999px",
    "width: 100vw",
    "height: 100vh",
]

HOSTILE_SELECTORS = [
    "body.theme-dark p",
    "html body.theme-dark",
    "p body",
    "#workskin ~ div",
    "#workskin + footer",
    "* ~ p",
    "~ p",
    "+ p",
    "p:has(a)",
    ":host",
    "p:not(body)",
    "a[href^=javascript]:focus-within",
    "p::backdrop",
    "p \\{",
    "p}body{display:none",
]

HOSTILE_RULES = [
    "@import url(https://evil.example/evil.css);",
    "@import 'evil.css';",
    "@font-face { font-family: x; src: url(https://evil.example/x.woff); }",
    "@namespace svg url(http://www.w3.org/2000/svg);",
    '@charset "utf-7";',
    "@keyframes spin { from { color: red } }",
    "@supports (display: grid) { p { color: red } }",
    "@page { margin: 0 }",
    "@layer x { p { color: red } }",
    "@document url-prefix() { p { color: red } }",
    "@media url(x) { p { color: red } }",
    "@m\\65 dia print { @import url(x); }",
    "p { & ~ footer { display: none } }",
    "p { :root & { color: red } }",
]


# A url() is judged against the admins' list of skin image hosts (core.skin_image_hosts),
# which lives in the database.
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _trusted_image_host():
    with override_settings(FICSHELF_IMAGE_HOSTS=parse_image_hosts("img.example.org")):
        yield


def test_the_list_is_as_long_as_the_issue_asks() -> None:
    assert len(HOSTILE_DECLARATIONS) >= 100


@pytest.mark.parametrize("declaration", HOSTILE_DECLARATIONS)
def test_no_hostile_declaration_survives(declaration: str) -> None:
    cleaned = clean_css(f"p {{ {declaration} }}")
    assert cleaned.css == ""
    assert cleaned.problems  # and the writer is told


@pytest.mark.parametrize("declaration", HOSTILE_DECLARATIONS)
def test_no_hostile_declaration_survives_in_a_site_skin(declaration: str) -> None:
    assert clean_css(f"p {{ {declaration} }}", scope=None).css == ""


@pytest.mark.parametrize("declaration", HOSTILE_DECLARATIONS)
def test_a_hostile_declaration_leaves_its_good_neighbours(declaration: str) -> None:
    cleaned = clean_css(f"p {{ color: navy; {declaration}; margin: 1em }}").css
    assert cleaned == "#workskin p {\n  color: navy;\n  margin: 1em;\n}\n"


@pytest.mark.parametrize("selector", HOSTILE_SELECTORS)
def test_selectors_that_leave_the_work_are_dropped(selector: str) -> None:
    cleaned = clean_css(f"{selector} {{ color: red }}").css
    assert "color: red" not in cleaned or all(
        line.startswith(("#workskin ", "  ", "}", "#workskin {")) or not line
        for line in cleaned.splitlines()
    )
    for line in cleaned.splitlines():
        assert not line.strip().startswith(("body", "html", "~", "+", "footer"))
    assert "~" not in cleaned and "+" not in cleaned and "body" not in cleaned


@pytest.mark.parametrize("rule", HOSTILE_RULES)
def test_at_rules_and_nesting_are_left_out(rule: str) -> None:
    cleaned = clean_css(rule).css
    assert "@import" not in cleaned and "@font-face" not in cleaned and "url(" not in cleaned
    assert "footer" not in cleaned and "@namespace" not in cleaned and "@charset" not in cleaned
    assert "@keyframes" not in cleaned and "@supports" not in cleaned and "@page" not in cleaned
    assert "@layer" not in cleaned and "@document" not in cleaned
    assert ":root" not in cleaned and "&" not in cleaned


@pytest.mark.parametrize(
    ("written", "scoped"),
    [
        ("body p", "#workskin p"),
        ("html body .note", "#workskin .note"),
        (":root .note", "#workskin .note"),
        ("* p", "#workskin p"),
        ("*", "#workskin"),
        ("body", "#workskin"),
        ("#workskin .note", "#workskin .note"),
        ("#workskin > p", "#workskin p"),
        ("p.text > span:hover", "#workskin p.text > span:hover"),
        (".chat li:nth-child(2n+1)", "#workskin .chat li:nth-child(2n+1)"),
        ('a[class~="x"]::before', '#workskin a[class~="x"]::before'),
    ],
)
def test_selectors_are_put_under_the_work_text(written: str, scoped: str) -> None:
    assert clean_css(f"{written} {{ color: red }}").css == f"{scoped} {{\n  color: red;\n}}\n"


def test_comments_are_stripped() -> None:
    cleaned = clean_css("/* a note */ p { /* inner */ color: red; /* end */ }").css
    assert "/*" not in cleaned and "note" not in cleaned


def test_escapes_are_decoded_before_the_check_and_not_written_back() -> None:
    assert clean_css("p { c\\6f lor: r\\65 d }").css == "#workskin p {\n  color: red;\n}\n"


def test_a_site_skin_may_style_the_whole_page_with_the_same_values() -> None:
    cleaned = clean_css(
        "body { background: #222; color: #eee } .site-header { margin: 0 }", scope=None
    )
    assert cleaned.css == (
        "body {\n  background: #222;\n  color: #eee;\n}\n\n.site-header {\n  margin: 0;\n}\n"
    )
    assert cleaned.problems == []


def test_a_too_long_skin_is_refused_whole() -> None:
    cleaned = clean_css("p { color: red }" * (CSS_MAX_LENGTH // 10))
    assert cleaned.css == ""
    assert "at most" in cleaned.problems[0]


GOOD_WORK_SKIN = """
#workskin .chat { font-family: "Courier New", Courier, monospace; border: 1px solid #ccc;
  border-radius: 0.5em; padding: 0.5em 1em; background-color: rgba(240, 240, 255, 0.8); }
#workskin .chat .name { font-weight: bold; color: #336; text-transform: uppercase; }
.letter { font-style: italic; margin: 1em 2em; text-align: right; line-height: 1.6; }
.phone { max-width: 20em; box-shadow: 0 2px 4px rgba(0,0,0,.3); }
.phone p::before { content: "> "; }
.fancy { background: linear-gradient(to right, #fff 0%, #eef 100%); transform: rotate(-2deg); }
.banner { background: url("https://img.example.org/banner.png") no-repeat center; }
.hidden-note { display: none; }
.overlay { position: absolute; top: 0; left: 0; z-index: 2; opacity: 0.9; filter: blur(1px); }
@media (max-width: 40em) { .letter { margin: 0; } }
"""


def test_the_css_writers_use_survives() -> None:
    cleaned = clean_css(GOOD_WORK_SKIN)
    assert cleaned.problems == []
    for kept in [
        '#workskin .chat {\n  font-family: "Courier New", Courier, monospace;',
        "border-radius: 0.5em;",
        "background-color: rgba(240, 240, 255, 0.8);",
        "#workskin .chat .name {",
        "text-transform: uppercase;",
        "#workskin .letter {",
        "box-shadow: 0 2px 4px rgba(0,0,0,.3);",
        'content: "> ";',
        "background: linear-gradient(to right, #fff 0%, #eef 100%);",
        "transform: rotate(-2deg);",
        'background: url("https://img.example.org/banner.png") no-repeat center;',
        "display: none;",
        "position: absolute;",
        "filter: blur(1px);",
        "@media (max-width: 40em) {\n  #workskin .letter {\n    margin: 0;\n  }\n}",
    ]:
        assert kept in cleaned.css


def test_images_from_other_hosts_are_refused_and_said() -> None:
    cleaned = clean_css(".x { background-image: url(https://elsewhere.example/a.png) }")
    assert cleaned.css == ""
    assert "host this archive allows" in cleaned.problems[0]


# A public site skin is worn by others, on their own pages: a selector testing what an
# attribute holds, with an image, tells the image's host what the page shows.
READING_SELECTORS = [
    'input[value^="a"]',  # a form's token, a letter at a time
    'input[name="csrfmiddlewaretoken"][value$="z"]',
    'a[href*="/works/12/"]',  # what the wearer reads
    "a[href]",
    "img[src]",
    '[data-work-id="12"]',
    '.blurb:not([title~="secret"])',  # hidden inside :not()
    'INPUT[VALUE|="a"]',
    '[lang="ja"]',  # the language of what they read
    '[dir="rtl"]',
]


@pytest.mark.parametrize("selector", READING_SELECTORS)
def test_a_public_site_skin_may_not_test_what_attributes_hold(selector: str) -> None:
    cleaned = clean_css(f"{selector} {{ color: red }}", scope=None)
    assert not cleaned.problems  # a private skin may: only its owner wears it
    refusals = public_site_skin_refusals(cleaned.css)
    assert len(refusals) == 1 and "a public site skin can't test [" in refusals[0]
    assert refusals[0].startswith(f"{cleaned.css.split(' {')[0]}:")  # named as written


def test_a_public_site_skin_names_each_reading_selector_even_inside_media() -> None:
    css = clean_css(
        '@media (max-width: 40em) { .a, input[value^="x"] { color: red } }\n'
        'a[href^="/users/"] { color: blue }',
        scope=None,
    ).css
    assert [refusal.split(":")[0] for refusal in public_site_skin_refusals(css)] == [
        'input[value^="x"]',
        'a[href^="/users/"]',
    ]


def test_a_public_site_skin_may_test_the_archives_own_attributes() -> None:
    """AO3's stylesheets test input[type=...]; these take a few fixed words at most."""
    css = clean_css(
        'input[type="submit"], input[type=checkbox] + label, details[open], [hidden], '
        "button[disabled], .a:not([type=hidden]), a.x:hover { color: red }",
        scope=None,
    ).css
    assert public_site_skin_refusals(css) == []


@pytest.mark.parametrize(
    ("selector", "named"),
    [
        ("#work_4711", "#work_4711"),  # a blurb in a listing, a search, a history
        (".x:not(#bookmark_12)", "#bookmark_12"),
        ("#new-list-4711", "#new-list-4711"),
        ("#work\\31 2", "#work12"),  # an escape is read as the digit it is
        ("li.blurb.w12", ".w12"),
    ],
)
def test_a_public_site_skin_may_not_name_one_row_of_the_archive(selector: str, named: str) -> None:
    cleaned = clean_css(f"{selector} {{ background: red }}", scope=None)
    assert not cleaned.problems
    (refusal,) = public_site_skin_refusals(cleaned.css)
    assert f"can't name {named};" in refusal


def test_a_public_site_skin_may_name_the_archives_parts() -> None:
    css = clean_css(
        "#header .blurb h2, #main li.work, #footer ul.navigation, h3.heading { color: red }",
        scope=None,
    ).css
    assert public_site_skin_refusals(css) == []
