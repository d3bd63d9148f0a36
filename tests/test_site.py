"""The documentation site builds with ``mkdocs build --strict`` without the network, and every
relative link of the README and the docs points at a file and heading that exist."""

import re
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.M | re.S)
NO_MKDOCS = "mkdocs is not installed (pip install '.[docs]'): the site is not built"


def build_site(config_file: Path, site_dir: Path, monkeypatch) -> None:
    """``mkdocs build --strict``, in this process, with every connection refused."""
    pytest.importorskip("mkdocs", reason=NO_MKDOCS)
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    def refuse(*args, **kwargs):
        raise OSError("the site build must not use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")  # Material's notice about its successor
    build(load_config(str(config_file), strict=True, site_dir=str(site_dir)))


def test_site_builds_strictly_and_offline(tmp_path, monkeypatch):
    site = tmp_path / "site"
    build_site(ROOT / "mkdocs.yml", site, monkeypatch)
    assert (site / "index.html").is_file()
    assert (site / "rules" / "index.html").is_file()
    assert (site / "rules" / "dangling-subset" / "index.html").is_file()
    html = (site / "configuration" / "index.html").read_text()
    assert "settings:start" in html  # the settings table's markers survive as comments


def test_strict_build_fails_on_a_broken_link(tmp_path, monkeypatch):
    pytest.importorskip("mkdocs", reason=NO_MKDOCS)
    from mkdocs.exceptions import Abort

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# x\n\n[gone](missing.md)\n")
    (tmp_path / "mkdocs.yml").write_text("site_name: x\ntheme: {name: material, font: false}\n")
    with pytest.raises(Abort):
        build_site(tmp_path / "mkdocs.yml", tmp_path / "site", monkeypatch)


def slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it (MkDocs agrees for the headings we write)."""
    heading = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", heading).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    return {slug(h) for h in re.findall(r"^#{1,6} (.+?)\s*$", text, re.M)}


def relative_links(path: Path) -> list[str]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    text = re.sub(r"`[^`\n]*`", "", text)
    return [t for t in LINK.findall(text) if not re.match(r"[a-z]+:", t)]


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_relative_links_resolve(page):
    broken = []
    for link in relative_links(page):
        target, _, anchor = link.partition("#")
        file = (page.parent / target).resolve() if target else page
        if not file.is_file():
            broken.append(f"{link}: no such file")
        elif anchor and file.suffix == ".md" and anchor not in anchors(file):
            broken.append(f"{link}: no heading #{anchor}")
    assert not broken, broken


def test_readme_links_into_the_docs():
    links = relative_links(ROOT / "README.md")
    for page in ("configuration", "outputs", "resolution", "repositories", "schemas"):
        assert f"docs/{page}.md" in {link.partition("#")[0] for link in links}
    assert "docs/rules/index.md" in links


def test_github_and_mkdocs_agree_on_anchors():
    toc = pytest.importorskip("markdown.extensions.toc", reason="Markdown is not installed")
    for page in PAGES:
        text = FENCE.sub("", page.read_text(encoding="utf-8"))
        for heading in re.findall(r"^#{1,6} (.+?)\s*$", text, re.M):
            plain = re.sub(r"[`*_]", "", heading)
            assert toc.slugify(plain, "-") == slug(heading), (page.name, heading)
