"""The README's Layout names every module of the package, so a newcomer finds each one's job."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "blogapi"
TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.py|/)")


def layout_block(readme: str) -> list[str]:
    """The lines of the Layout's tree under `src/blogapi/` (up to the next top-level entry)."""
    tree = readme.split("## Layout", 1)[1].split("```", 2)[1].splitlines()
    start = tree.index("src/blogapi/") + 1
    lines = []
    for line in tree[start:]:
        if line and not line.startswith(" "):
            break
        lines.append(line)
    return lines


def listed_modules(lines: list[str]) -> set[str]:
    """Module paths that the tree lists. A line indented two more spaces than a package line
    is an entry in that package (`name/` a package, `name.py` a module); a line indented
    further continues the package line above it, whose `.py` names are modules in it."""
    listed: set[str] = set()
    stack: list[tuple[int, str]] = []  # open packages: (indent, path)
    for line in lines:
        text = re.sub(r"`[^`]*`", "", line)  # commands in descriptions name no modules
        tokens = TOKEN.findall(text)
        if not tokens:
            continue
        indent = len(line) - len(line.lstrip())
        if stack and indent > stack[-1][0] + 2:
            listed |= {stack[-1][1] + t for t in tokens if t.endswith(".py")}
            continue
        while stack and stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1] if stack else ""
        first, rest = tokens[0], tokens[1:]
        if first.endswith("/"):
            stack.append((indent, parent + first))
            listed |= {parent + first + t for t in rest if t.endswith(".py")}
        else:
            listed.add(parent + first)
    return listed


def package_modules() -> set[str]:
    modules = set()
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).as_posix()
        if path.name == "__init__.py" or relative.startswith("migrations/versions/"):
            continue
        modules.add(relative)
    return modules


def test_the_readme_layout_lists_every_module() -> None:
    listed = listed_modules(layout_block((ROOT / "README.md").read_text()))

    assert package_modules() - listed == set()
    assert listed - package_modules() == set(), "the Layout names a module that is gone"


def test_a_module_missing_from_the_layout_is_found() -> None:
    readme = """## Layout
```
src/blogapi/
  main.py      the factory, `blogapi.py` is not a module
  posts/       router.py service.py
               access.py
    lists.py   the lists
tests/         conftest.py
```
"""
    listed = listed_modules(layout_block(readme))

    assert listed == {
        "main.py",
        "posts/router.py",
        "posts/service.py",
        "posts/access.py",
        "posts/lists.py",
    }
    assert "posts/queries.py" not in listed
