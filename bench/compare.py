"""Both servers must answer the same JSON before their speeds mean anything."""

import json
from dataclasses import dataclass
from typing import Any

from servers import get


class BodiesDiffer(AssertionError):
    pass


@dataclass(frozen=True)
class Comparison:
    path: str
    status: int
    size: int
    byte_identical: bool


def first_difference(left: Any, right: Any, where: str = "$") -> str | None:
    """The JSON path of the first place where two decoded documents differ, or None."""
    if type(left) is not type(right):
        return (
            f"{where}: {type(left).__name__} {left!r:.80} vs {type(right).__name__} {right!r:.80}"
        )
    if isinstance(left, dict):
        if list(left) != list(right):
            return f"{where}: keys {list(left)} vs {list(right)}"
        for key in left:
            found = first_difference(left[key], right[key], f"{where}.{key}")
            if found:
                return found
        return None
    if isinstance(left, list):
        if len(left) != len(right):
            return f"{where}: {len(left)} items vs {len(right)}"
        for index, (a, b) in enumerate(zip(left, right, strict=True)):
            found = first_difference(a, b, f"{where}[{index}]")
            if found:
                return found
        return None
    return None if left == right else f"{where}: {left!r:.120} vs {right!r:.120}"


def compare(project_url: str, reference_url: str, path: str) -> Comparison:
    """GET `path` from both; raise BodiesDiffer unless both are 200 with the same JSON.

    Headers are ignored; the bodies are compared as decoded JSON, key order included.
    """
    project_status, project_body = get(project_url + path)
    reference_status, reference_body = get(reference_url + path)
    if project_status != 200 or reference_status != 200:
        raise BodiesDiffer(
            f"GET {path}: project answered {project_status}, reference {reference_status}:\n"
            f"  project:   {project_body[:300]!r}\n  reference: {reference_body[:300]!r}"
        )
    difference = first_difference(json.loads(project_body), json.loads(reference_body))
    if difference is not None:
        raise BodiesDiffer(f"GET {path}: the JSON bodies differ at {difference}")
    return Comparison(path, project_status, len(project_body), project_body == reference_body)
