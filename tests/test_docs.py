"""The project's text stands on its own: it cites nothing a reader of the repository cannot open.

Comments cite the Java GVGAI class a behaviour comes from, or a section of docs/engine.md by its
title, e.g. (docs/engine.md, "Pair rules"); the rules spec that once lived outside the
repository is not cited at all.
"""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ENGINE_DOC = REPO / "docs" / "engine.md"
OUTPUTS = {"results", "build", "runs", "__pycache__"}
"""Folders of generated files, not of the project's own text."""
OUTSIDE_SPEC = re.compile(r"RULES(\.md\b| ?§| [A-F][0-9])")
"""A reference to the outside spec: its file name, or its name before a section (a letter and a
digit, or a section sign)."""
ENGINE_DOC_CITATION = re.compile(r'docs/engine\.md,((?:[\s#,]|and|"[^"]+")+)')
"""``docs/engine.md,`` and the quoted section titles after it, across comment line breaks."""


def project_files() -> list[Path]:
    """The project's Python and Markdown files, outside hidden folders and generated outputs."""
    return sorted(
        path
        for path in REPO.rglob("*")
        if path.suffix in {".py", ".md"}
        and path.is_file()
        and not any(
            part.startswith(".") or part in OUTPUTS or part.endswith(".egg-info")
            for part in path.relative_to(REPO).parent.parts
        )
    )


def test_no_file_cites_the_rules_spec_that_is_not_in_the_repository():
    found = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()}"
        for path in project_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if OUTSIDE_SPEC.search(line)
    ]
    assert not found, "\n".join(found)


def test_every_cited_engine_doc_section_exists():
    titles = {
        line.lstrip("#").strip()
        for line in ENGINE_DOC.read_text(encoding="utf-8").splitlines()
        if line.startswith("#")
    }
    cited = {
        (path.relative_to(REPO), " ".join(title.replace("#", " ").split()))
        for path in project_files()
        for citation in ENGINE_DOC_CITATION.findall(path.read_text(encoding="utf-8"))
        for title in re.findall(r'"([^"]+)"', citation)
    }
    assert len(cited) > 20  # the pattern still finds the citations
    missing = sorted(f"{path}: {title}" for path, title in cited if title not in titles)
    assert not missing, "\n".join(missing)
