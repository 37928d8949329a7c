"""Planning the passes (docrun/passes.py): which pages run where, and which runs are shared."""

import textwrap

from docmodel.page import read_page
from docmodel.snippets import SnippetStore
from docrun.passes import CLASSIC, CURRENT, FIRST, FIRST_CLASSIC, Outlook, plan

BUILD = '```dockerfile title="Dockerfile"\nFROM busybox\n```\n\n```console\n$ docker build -q -t x . > /dev/null\n```\n'
PLAIN = "```console\n$ echo hi\nhi\n```\n"
MOUNT = ('<!-- docrun: buildkit-only reason="RUN --mount" -->\n```dockerfile title="Dockerfile"\nFROM busybox\n'
         "RUN --mount=type=cache,target=/c true\n```\n\n```console\n$ docker build -q -t y . > /dev/null\n```\n")


def pages(tmp_path, **texts):
    out = []
    for name, text in texts.items():
        path = tmp_path / f"{name.replace('_', '/')}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
        out.append(read_page(path, tmp_path, SnippetStore(tmp_path / "snippets")))
    return out


def test_an_old_engine_gets_the_classic_and_current_passes_in_that_order(tmp_path):
    runs = plan(pages(tmp_path, build=BUILD, plain=PLAIN, mount=MOUNT), "auto", "auto", Outlook(True, True))
    assert [(r.page.display, r.run_pass) for r in runs] == [
        ("build.md", FIRST), ("plain.md", FIRST), ("mount.md", FIRST),
        ("build.md", CLASSIC),                                     # mount.md needs BuildKit
        ("build.md", CURRENT), ("plain.md", CURRENT), ("mount.md", CURRENT)]
    assert runs[3].name == "build.md (classic builder)"


def test_a_current_engine_gets_one_pass_and_options_choose_by_hand(tmp_path):
    ps = pages(tmp_path, build=BUILD, plain=PLAIN)
    assert {r.run_pass for r in plan(ps, "auto", "auto", Outlook(False, False))} == {FIRST}
    assert {r.run_pass for r in plan(ps, "classic", "off", Outlook(True, True))} == {FIRST_CLASSIC}
    assert {r.run_pass for r in plan(ps, "default", "on", Outlook(False, False))} == {FIRST, CURRENT}


def test_a_page_and_its_translation_share_one_run_per_pass_and_differing_pages_do_not(tmp_path):
    ko = "# 가 { #a }\n\n한국어 설명입니다.\n\n" + BUILD
    en = "# A { #a }\n\nThe English prose differs.\n\n" + BUILD
    other = "# B { #b }\n\n" + BUILD.replace("busybox", "debian:trixie-slim")
    runs = plan(pages(tmp_path, en_a=en, ko_a=ko, ko_b=other), "auto", "auto", Outlook(True, True))
    leaders = [(r.page.display, r.run_pass.kind.value) for r in runs if r.leader is None]
    followers = [(r.page.display, r.run_pass.kind.value, r.leader.page.display) for r in runs if r.leader]
    assert leaders == [("en/a.md", ""), ("ko/b.md", ""), ("en/a.md", "classic builder"),
                       ("ko/b.md", "classic builder"), ("en/a.md", "current engine"), ("ko/b.md", "current engine")]
    assert followers == [("ko/a.md", "", "en/a.md"), ("ko/a.md", "classic builder", "en/a.md"),
                         ("ko/a.md", "current engine", "en/a.md")]
