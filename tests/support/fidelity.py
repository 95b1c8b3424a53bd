"""Checks that a référentiel's YAML quotes its source word for word, and leaves nothing out.

The sources (``tests/seeds/*.txt``) are tab-separated exports with HTML inside the
cells. They are cut into *fragments*: the text between cell boundaries and block
tags (``<p>``, ``<li>``, ``<ul>``), with inline tags removed and white space folded.

* **Nothing invented**: every string of the YAML (titles, descriptions, aspects,
  criteria …, not ids) must be a substring of one fragment, or — for a cell that
  the export split across a page break — the end of one fragment followed by the
  start of a later one (and possibly whole fragments in between).
* **Nothing left out**: the parts of the source that no YAML string covers are
  listed; the tests compare them with a reviewed list of headers and labels.

Run ``python tests/support/fidelity.py ID`` to see both for one référentiel.
"""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "tests" / "seeds"
DATA = ROOT / "referentiels" / "data"

SOURCE_FILES = {
    "account-executive": "000_972af00c6a453831.txt",
    "business-developer": "001_8e7e86bfa92f691a.txt",
    "manager-grands-comptes": "002_9498ff3de11fed08.txt",
    "responsable-developpement-commercial": "003_4ce0cbe0f316cec3.txt",
    "manager-equipe-vendeurs-b2b": "004_ab3cebb55d3543bd.txt",
}

# Keys whose values are Palier's (ids, flags, the scale of a certification), not quoted text.
NOT_QUOTED = {"id", "kind", "language", "origin", "shared"}
# At the top of a file: the catalogue name and provenance, which are Palier's words.
NOT_QUOTED_AT_ROOT = {"title", "source"}

_BLOCK_TAG = re.compile(r"</?(?:p|li|ul|ol|br|div)\b[^>]*>", re.IGNORECASE)
_INLINE_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_SPACE = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r" +([,.)\]])")
_SPACE_AFTER_OPEN = re.compile(r"([(\[]) +")
_BULLET = re.compile(r"^(?:[-•·*]\s+)+")
_BOUNDARY = "\x00"


def normalize(text: str) -> str:
    """Fold white space and the spaces an HTML export leaves before ',', '.', ')'."""
    text = html.unescape(text).replace("\u00a0", " ").replace("\u202f", " ")
    text = text.replace("\\(", "(").replace("\\)", ")")
    text = _SPACE.sub(" ", text).strip()
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    return _SPACE_AFTER_OPEN.sub(r"\1", text)


def fragments(source: str) -> list[str]:
    """The source cut at cell boundaries and block tags, inline HTML removed."""
    marked = source.replace("\t", _BOUNDARY).replace("\n", _BOUNDARY)
    marked = _BLOCK_TAG.sub(_BOUNDARY, marked)
    marked = _INLINE_TAG.sub("", marked)
    out = []
    for piece in marked.split(_BOUNDARY):
        text = normalize(piece)
        if re.search(r"\w", text):
            out.append(text)
    return out


def quoted_strings(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string of a YAML document that must come from the source, with its path."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in NOT_QUOTED or (not path and key in NOT_QUOTED_AT_ROOT):
                continue
            if key == "evaluations" and path:  # a competency's list of evaluation ids
                continue
            if key == "scale" and isinstance(value, dict) and value.get("origin") == "palier":
                continue
            yield from quoted_strings(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from quoted_strings(value, f"{path}[{index}]")
    elif isinstance(node, str):
        yield path, node


@dataclass
class Match:
    # (fragment index, start, end) spans that the string covers
    spans: list[tuple[int, int, int]] = field(default_factory=list)


def _find_all(haystack: str, needle: str) -> Iterator[int]:
    start = haystack.find(needle)
    while start != -1:
        yield start
        start = haystack.find(needle, start + 1)


def locate(text: str, frags: list[str], max_joins: int = 4) -> Match | None:
    """Where ``text`` stands in the source, or None when it is not quoted from it."""
    text = _BULLET.sub("", normalize(text))
    spans = [(i, s, s + len(text)) for i, frag in enumerate(frags) for s in _find_all(frag, text)]
    if spans:
        return Match(spans)
    return _locate_joined(text, frags, max_joins)


def _locate_joined(text: str, frags: list[str], max_joins: int) -> Match | None:
    # A cell split across a page break: the end of one fragment, then the start of a
    # later one. Try every split at a space, longest first piece first.
    if max_joins == 0:
        return None
    cut_points = [m.start() for m in re.finditer(" ", text)]
    for cut in reversed(cut_points):
        head, tail = text[:cut], text[cut + 1 :]
        for i, frag in enumerate(frags):
            if not frag.endswith(head):
                continue
            rest = _locate_start(tail, frags, i + 1, max_joins - 1)
            if rest is not None:
                return Match([(i, len(frag) - len(head), len(frag)), *rest.spans])
    return None


def _locate_start(text: str, frags: list[str], first: int, max_joins: int) -> Match | None:
    for j in range(first, len(frags)):
        frag = frags[j]
        if frag.startswith(text):
            return Match([(j, 0, len(text))])
        if max_joins and text.startswith(frag + " "):
            rest = _locate_start(text[len(frag) + 1 :], frags, j + 1, max_joins - 1)
            if rest is not None:
                return Match([(j, 0, len(frag)), *rest.spans])
        if max_joins:
            for cut in [m.start() for m in re.finditer(" ", text)][::-1]:
                head = text[:cut]
                if frag == head:
                    rest = _locate_start(text[cut + 1 :], frags, j + 1, max_joins - 1)
                    if rest is not None:
                        return Match([(j, 0, len(frag)), *rest.spans])
    return None


@dataclass
class Report:
    not_found: list[tuple[str, str]]  # (yaml path, text)
    uncovered: list[str]  # runs of source text that no YAML string covers


def check(referentiel_id: str, data_dir: Path = DATA) -> Report:
    source = (SEEDS / SOURCE_FILES[referentiel_id]).read_text(encoding="utf-8")
    document = yaml.safe_load((data_dir / f"{referentiel_id}.yaml").read_text(encoding="utf-8"))
    return check_document(source, document)


def check_document(source: str, document: Any) -> Report:
    """What of ``document`` is not quoted from ``source``, and what of it no string covers."""
    frags = fragments(source)
    covered = [bytearray(len(f)) for f in frags]
    not_found = []
    for path, text in quoted_strings(document):
        match = locate(text, frags)
        if match is None:
            not_found.append((path, text))
            continue
        for i, start, end in match.spans:
            covered[i][start:end] = b"\x01" * (end - start)
    uncovered = []
    for frag, mask in zip(frags, covered, strict=True):
        run: list[str] = []
        for char, flag in zip(frag, mask, strict=True):
            if flag:
                if run:
                    uncovered.append("".join(run))
                run = []
            else:
                run.append(char)
        if run:
            uncovered.append("".join(run))
    meaningful = [u.strip(" -–•:;,.⇒") for u in uncovered]
    return Report(not_found, [u for u in meaningful if re.search(r"\w", u)])


def main(argv: list[str]) -> int:
    ids = argv or list(SOURCE_FILES)
    status = 0
    for referentiel_id in ids:
        report = check(referentiel_id)
        print(
            f"== {referentiel_id}: {len(report.not_found)} not found in the source, "
            f"{len(report.uncovered)} source runs not covered"
        )
        for path, text in report.not_found:
            print(f"NOT FOUND {path}: {text[:160]!r}")
            status = 1
        for text in report.uncovered:
            print(f"UNCOVERED {text[:200]!r}")
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
