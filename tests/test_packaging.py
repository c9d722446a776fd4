"""Package metadata and the README as the package index shows them (issue 9, item 20).

The index renders README.md away from the repository, so a relative link there leads nowhere;
links point at the repository's intended home instead, and must name files that exist.
"""

from __future__ import annotations

import configparser
import re
import tomllib
from pathlib import Path

import django_interview_panels

REPO_ROOT = Path(__file__).resolve().parent.parent
HOME = "https://github.com/django-interview-panels/django-interview-panels"
# A file or folder of the repository, as linked from outside it.
REPO_FILE_LINK = re.compile(re.escape(HOME) + r"/(?:blob|tree)/main/(?P<path>[^)#?\s>]+)")
PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())

# Every way Markdown (and HTML inside it) spells a link target.
LINK_TARGETS = (
    re.compile(r"\]\(\s*<?([^)\s>]+)"),  # [text](target)
    re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE),  # [ref]: target
    re.compile(r"""(?:href|src)\s*=\s*["']([^"']+)["']""", re.IGNORECASE),  # <a href=...>
    re.compile(r"<((?:[a-z][a-z0-9+.-]*:|www\.)[^>\s]+)>", re.IGNORECASE),  # <https://...>
)


def link_targets(markdown: str) -> list[str]:
    """Every link target in ``markdown`` outside fenced code blocks."""
    prose = re.sub(r"^```.*?^```", "", markdown, flags=re.MULTILINE | re.DOTALL)
    return [target for pattern in LINK_TARGETS for target in pattern.findall(prose)]


def test_link_targets_finds_every_kind_of_link() -> None:
    """The checker below would pass vacuously if it missed a spelling."""
    sample = (
        "[a](docs/a.md) [b](<docs/b.md>) [c][c]\n[c]: docs/c.md\n"
        '<a href="docs/d.md">d</a> <img src="e.png"> <https://example.com/f>\n'
        "```\n[not](a/link.md)\n```\n"
    )
    assert link_targets(sample) == [
        "docs/a.md",
        "docs/b.md",
        "docs/c.md",
        "docs/d.md",
        "e.png",
        "https://example.com/f",
    ]


def test_readme_links_are_absolute_so_they_work_on_the_package_index_page() -> None:
    targets = link_targets((REPO_ROOT / "README.md").read_text())
    assert targets
    assert [target for target in targets if not target.startswith("https://")] == []


def test_readme_and_metadata_links_into_the_repository_name_files_that_exist() -> None:
    texts = [(REPO_ROOT / "README.md").read_text(), (REPO_ROOT / "CHANGELOG.md").read_text()]
    texts += PYPROJECT["project"]["urls"].values()
    paths = [match["path"] for text in texts for match in REPO_FILE_LINK.finditer(text)]
    assert paths
    assert [path for path in paths if not (REPO_ROOT / path).exists()] == []


def test_project_urls_name_documentation_changelog_source_and_issues() -> None:
    urls = PYPROJECT["project"]["urls"]
    assert {"Documentation", "Changelog", "Source", "Issues"} <= set(urls)
    assert all(url.startswith(HOME) for url in urls.values()), urls


def tox_versions(prefix: str) -> set[str]:
    """Versions, without dots, that tox.ini's env_list tests: {"52", "60"} for "django"."""
    config = configparser.ConfigParser(interpolation=None)
    config.read(REPO_ROOT / "tox.ini")
    versions = set()
    for env in config["tox"]["env_list"].split():
        # "py312-django{52,60,61}" names three environments.
        head, _, rest = env.partition("{")
        choices, _, tail = rest.partition("}")
        for name in [head + choice + tail for choice in choices.split(",")] if rest else [env]:
            versions |= {
                factor.removeprefix(prefix)
                for factor in name.split("-")
                if factor.startswith(prefix) and factor.removeprefix(prefix).isdigit()
            }
    return versions


def classified_versions(prefix: str) -> set[str]:
    """Versions, without dots, of the classifiers "<prefix><version>": {"52", "60"}."""
    return {
        classifier.removeprefix(prefix).replace(".", "")
        for classifier in PYPROJECT["project"]["classifiers"]
        if classifier.startswith(prefix) and "." in classifier.removeprefix(prefix)
    }


def test_django_classifiers_are_the_versions_tox_tests() -> None:
    assert classified_versions("Framework :: Django :: ") == tox_versions("django")


def test_python_classifiers_are_the_versions_tox_tests() -> None:
    # The envs without a pyXY factor run on the interpreter tox runs on: the oldest supported.
    oldest = PYPROJECT["project"]["requires-python"].removeprefix(">=").replace(".", "")
    tested = tox_versions("py") | {oldest}
    assert classified_versions("Programming Language :: Python :: ") == tested


def test_sdist_ships_the_changelog_readme_and_license() -> None:
    include = PYPROJECT["tool"]["hatch"]["build"]["targets"]["sdist"]["include"]
    assert {"CHANGELOG.md", "README.md", "LICENSE"} <= set(include)


def test_changelog_has_an_unreleased_section_and_one_for_the_current_version() -> None:
    changelog = (REPO_ROOT / "CHANGELOG.md").read_text()
    version = PYPROJECT["project"]["version"]
    assert django_interview_panels.__version__ == version
    headings = re.findall(r"^## \[([^\]]+)\]", changelog, flags=re.MULTILINE)
    assert headings[:1] == ["Unreleased"]
    assert version in headings
    # Keep a Changelog: every version heading has its link definition.
    for heading in headings:
        assert re.search(rf"^\[{re.escape(heading)}\]: https://", changelog, re.MULTILINE), heading
