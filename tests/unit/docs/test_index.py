"""docs/index.md links every documentation page, and every link it has leads to a file."""

from __future__ import annotations

import re

from fixtures.repo import REPO

DOCS = REPO / "docs"
LINK = re.compile(r"\]\(([^)#]+)\)")


def test_index_links_every_page_and_only_existing_ones() -> None:
    targets = LINK.findall((DOCS / "index.md").read_text())
    assert targets
    for target in targets:
        assert (DOCS / target).resolve().is_file(), f"docs/index.md links {target}, which does not exist"
    pages = {path.name for path in DOCS.glob("*.md")} - {"index.md"}
    assert pages - set(targets) == set(), "docs/index.md does not link these pages"
