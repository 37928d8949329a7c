"""Where the examples are checked, from provision/engines.yml: a list in the page's language
for the index page ({@ checked_on() @}) and the same in English for the README's table
(tests/test_declared.py keeps the README's copy equal to it)."""

from __future__ import annotations

from provision.checked_on import Declared, DeclaredEngine

TEXT = {
    "ko": {
        "provisioned": "데비안 12에 들어 있는 도커 엔진 {version}. 테스트가 직접 설치하는 엔진입니다.",
        "current": "데비안의 다음 배포판({suite})에 들어 있는 도커 엔진 {version}. 컨테이너 안에서 실행합니다.",
        "containerd": " containerd 이미지 스토어(containerd image store)를 켰습니다. 도커 엔진 29부터 새로 설치하면 "
                      "이 방식이 기본입니다([이미지를 저장하는 두 방식]({pages}images.md#image-store) 참고).",
        "one": " 빌더는 {builder}입니다.",
        "both": " 이미지를 빌드하는 페이지는 BuildKit으로 한 번, 클래식 빌더(classic builder)로 한 번 더 실행합니다.",
    },
    "en": {
        "provisioned": "Docker Engine {version} from Debian 12, the engine the tests install themselves.",
        "current": "Docker Engine {version} from Debian's next release ({suite}), run in a container.",
        "containerd": " The containerd image store is switched on, as on every fresh installation of Docker "
                      "Engine 29 (see [Two ways of storing images]({pages}images.md#image-store)).",
        "one": " The builder is {builder}.",
        "both": " Pages that build images run twice: with BuildKit, and again with the classic builder.",
    },
}


def _line(engine: DeclaredEngine, lang: str, pages: str) -> str:
    text = TEXT.get(lang, TEXT["en"])
    line = text[engine.role].format(version=engine.version, suite=engine.suite)
    if engine.containerd_store:
        line += text["containerd"].format(pages=pages)
    line += text["both"] if len(engine.builders) > 1 else text["one"].format(builder=engine.builders[0])
    return f"- {line}"


def engine_list(declared: Declared, lang: str, pages: str = "") -> str:
    """The declared engines as a Markdown list in `lang`; `pages` is where the links to the site's
    pages start (README: docs/en/)."""
    return "\n".join(_line(e, lang, pages) for e in declared.engines)
