"""Documentation pages: the OpenAPI documents held in the fenced blocks of a markdown page.

A page is read block by block. A block holding a whole OpenAPI (or Swagger) document is returned as
it is. A block holding a documentation site's rendering of one operation is normalised into an
OpenAPI 3.1.0 document holding that one operation (see `rendering`). Other blocks (curl lines,
response samples, code) are skipped.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import yaml

from specmock.errors import SpecError
from specmock.spec.parsing import load_yaml, unshared
from specmock.spec.rendering import ShapeError, document_from_rendering, is_rendering

__all__ = ["PAGE_SUFFIXES", "documents_from_page"]

PAGE_SUFFIXES = frozenset({".md", ".mdx", ".txt"})

# Blocks tagged with another language (bash, python, http...) are examples, never specs.
_DATA_LANGUAGES = frozenset({"", "yaml", "yml", "json"})
_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_HEADING = re.compile(r"^#[ \t]+(?P<title>.+?)(?:[ \t]+#+)?[ \t]*$")
_MEANT_AS_OPENAPI = re.compile(r"""(?:^|[\s{,])["']?(?:openapi|swagger|paths)["']?\s*:""")


@dataclass(frozen=True, slots=True)
class _Block:
    fence_line: int
    end_line: int
    language: str
    text: str

    @property
    def first_line(self) -> int:
        return self.fence_line + 1


def documents_from_page(text: str, source: str) -> list[dict[str, Any]]:
    """Every OpenAPI document a documentation page holds, in page order.

    Raises `SpecError` when no fenced block holds a document or an operation rendering, and when a
    block meant as OpenAPI does not parse (naming the line of the page).
    """
    lines = text.splitlines()
    blocks = _blocks(lines)
    title = _page_title(lines, blocks)
    documents = [
        document for block in blocks if (document := _document(block, source, title)) is not None
    ]
    if not documents:
        raise SpecError(
            source,
            "",
            "no OpenAPI document or operation rendering found in this page: looked in its "
            f"{len(blocks)} fenced block(s) for YAML or JSON with an 'openapi' (or 'swagger') key, "
            "or a documentation-site rendering 'paths: {path, method, request, response}'",
        )
    return documents


# -- the page --------------------------------------------------------------------------------


def _blocks(lines: list[str]) -> list[_Block]:
    blocks: list[_Block] = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None or (opening["fence"][0] == "`" and "`" in opening["info"]):
            index += 1
            continue
        end = _closing_fence(lines, index + 1, opening["fence"])
        indent = len(opening["indent"])
        body = [_dedent(line, indent) for line in lines[index + 1 : end]]
        info = opening["info"].split()
        language = info[0].lower() if info else ""
        blocks.append(_Block(index + 1, end + 1, language, "\n".join(body)))
        index = end + 1
    return blocks


def _closing_fence(lines: list[str], start: int, fence: str) -> int:
    """The index of the line closing `fence`; an unclosed block runs to the end of the page."""
    for index in range(start, len(lines)):
        stripped = lines[index].strip()
        if lines[index].startswith(" " * 4) or not stripped.startswith(fence):
            continue
        if stripped == fence[0] * len(stripped):
            return index
    return len(lines)


def _dedent(line: str, indent: int) -> str:
    spaces = len(line) - len(line.lstrip(" "))
    return line[min(spaces, indent) :]


def _page_title(lines: list[str], blocks: list[_Block]) -> str | None:
    """The first `# ` heading outside the blocks (not a `# Source:` line), else front matter."""
    fenced = {number for block in blocks for number in range(block.fence_line, block.end_line + 1)}
    for number, line in enumerate(lines, start=1):
        heading = _HEADING.match(line)
        if number not in fenced and heading and not heading["title"].startswith("Source:"):
            return heading["title"]
    return _front_matter_title(lines)


def _front_matter_title(lines: list[str]) -> str | None:
    if not lines or lines[0].strip() != "---":
        return None
    for line in lines[1:]:
        if line.strip() == "---":
            return None
        if line.startswith("title:"):
            return line.removeprefix("title:").strip().strip("\"'") or None
    return None


# -- one block -------------------------------------------------------------------------------


def _document(block: _Block, source: str, title: str | None) -> dict[str, Any] | None:
    if block.language not in _DATA_LANGUAGES:
        return None
    data = _parse(block, source)
    if not isinstance(data, dict):
        return None
    try:
        if "openapi" in data or "swagger" in data:
            document: dict[str, Any] = unshared(data)
            return document
        if is_rendering(data):
            return document_from_rendering(data, title)
    except ShapeError as error:
        raise SpecError(
            source, f"line {block.fence_line}", f"the operation rendering is malformed: {error}"
        ) from None
    except RecursionError:
        raise SpecError(
            source,
            f"line {block.fence_line}",
            "the block's YAML aliases make it contain itself; use a $ref instead",
        ) from None
    return None


def _parse(block: _Block, source: str) -> Any:
    if block.language == "json" or block.text.lstrip().startswith(("{", "[")):
        try:
            return json.loads(block.text)
        except ValueError:
            pass  # not strict JSON; YAML reads most near-JSON (comments aside)
    try:
        return load_yaml(block.text)
    except yaml.YAMLError as error:
        if not _MEANT_AS_OPENAPI.search(block.text):
            return None
        raise _yaml_error(error, block, source) from None


def _yaml_error(error: yaml.YAMLError, block: _Block, source: str) -> SpecError:
    mark = getattr(error, "problem_mark", None)
    line = block.first_line + (mark.line if mark is not None else 0)
    problem = getattr(error, "problem", None) or str(error)
    return SpecError(
        source,
        f"line {line}",
        f"the fenced block opened at line {block.fence_line} looks like OpenAPI but is not valid "
        f"YAML: {problem}",
    )
