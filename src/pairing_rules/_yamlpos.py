"""Where a value of a YAML file is: the line and column of every key and item.

A pack file is read twice: once as data (what the models validate) and once
as a tree of nodes with their start marks (PyYAML's ``compose``).  A path into
the data (``("rubrics", 0, "items", 2, "points")``), or the ``loc`` of a
pydantic error, is then located in the file, so that a message can say
``pack.yaml:41:17``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final

import yaml

Path = tuple[str | int, ...]

_MERGE: Final = "tag:yaml.org,2002:merge"
_TIMESTAMP: Final = "tag:yaml.org,2002:timestamp"
_STR: Final = "tag:yaml.org,2002:str"
#: the loader the packs are read with (libyaml's where installed: it accepts what PyYAML's does and more)
_LOADER: Final[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class Position:
    """A place in a file: 1-based line and column."""

    line: int
    column: int


def _position(node: yaml.Node) -> Position:
    mark = node.start_mark
    return Position(mark.line + 1, mark.column + 1)


class YamlDocument:
    """A YAML text parsed into data and into nodes with their positions.

    :raises yaml.YAMLError: when the text is not valid YAML (its ``problem_mark`` says where).
    """

    def __init__(self, text: str) -> None:
        loader = _LOADER(text)
        try:
            node = loader.get_single_node()
            #: duplicate keys of every mapping (PyYAML keeps the last one silently)
            self.duplicates: list[tuple[Path, str, Position]] = []
            #: values that look like dates but are none (``2023-02-30``), kept as text
            self.bad_dates: list[tuple[Path, str, Position]] = []
            if node is not None:
                self._find_duplicates(node, ())
                self._check_dates(loader, node, ())
            # constructing flattens merge keys (``<<: *anchor``) in the nodes themselves
            self.data: Any = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
        self.root: yaml.Node | None = node

    def _find_duplicates(self, node: yaml.Node, path: Path) -> None:
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in node.value:
                if key.tag == _MERGE:
                    continue
                name = str(key.value)
                if name in seen:
                    self.duplicates.append((path, name, _position(key)))
                seen.add(name)
                self._find_duplicates(value, (*path, name))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self._find_duplicates(item, (*path, index))

    def _check_dates(self, loader: Any, node: yaml.Node, path: Path) -> None:
        """Keep a scalar written like a date that is no date as text, and note where it is.

        PyYAML raises a bare ``ValueError`` (no position) for ``2023-02-30``.
        """
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _TIMESTAMP:
                try:
                    loader.construct_yaml_timestamp(node)
                except ValueError:
                    self.bad_dates.append((path, str(node.value), _position(node)))
                    node.tag = _STR
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                self._check_dates(loader, value, (*path, str(key.value)))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self._check_dates(loader, item, (*path, index))

    def node(self, path: Sequence[str | int]) -> tuple[yaml.Node | None, int]:
        """The node at ``path``, or its deepest existing ancestor, and how many steps were found."""
        current = self.root
        found = 0
        for step in path:
            child = _child(current, step)
            if child is None:
                continue  # a step the data does not have (a union's tag in a pydantic loc)
            current = child
            found += 1
        return current, found

    def locate(self, path: Sequence[str | int], *, key: bool = False) -> Position:
        """The position of the value at ``path`` (of its key, with ``key``); the nearest ancestor's if absent."""
        if key and path:
            parent, found = self.node(path[:-1])
            if found == len(path) - 1 and isinstance(parent, yaml.MappingNode):
                for k, _v in parent.value:
                    if str(k.value) == str(path[-1]):
                        return _position(k)
        node, _found = self.node(path)
        if node is None:
            return Position(1, 1)
        return _position(node)

    def scalar(self, path: Sequence[str | int]) -> str | None:
        """The text of the scalar at ``path`` as the file writes it (``2.10``, not 2.1), if any."""
        node, found = self.node(path)
        if found != len(path) or not isinstance(node, yaml.ScalarNode):
            return None
        return str(node.value)

    def has(self, path: Sequence[str | int]) -> bool:
        """Whether the file itself writes the value at ``path`` (not a default)."""
        current = self.root
        for step in path:
            current = _child(current, step)
            if current is None:
                return False
        return True


def _child(node: yaml.Node | None, step: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if str(key.value) == str(step) and key.tag != _MERGE:
                found: yaml.Node = value
                return found
        return None
    if (
        isinstance(node, yaml.SequenceNode)
        and isinstance(step, int)
        and 0 <= step < len(node.value)
    ):
        item: yaml.Node = node.value[step]
        return item
    return None


def render_path(path: Sequence[str | int]) -> str:
    """``rubrics[0].items[2].points``: a path as a person reads it."""
    out = ""
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
        else:
            out += f".{step}" if out else str(step)
    return out


def walk(data: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    """Every value of parsed YAML data with its path, parents before children."""
    yield path, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from walk(value, (*path, str(key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from walk(value, (*path, index))
