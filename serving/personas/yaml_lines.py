"""Read a YAML file keeping the line of every key, so a problem can say where it is."""

from __future__ import annotations

from typing import Any

import yaml


# libyaml's parser when PyYAML has it (ten times faster), the pure-Python one otherwise.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


MAX_ALIASES = 50  # anchors reused more often than this: refused (an alias bomb expands exponentially)


class TooManyAliases(yaml.YAMLError):
    def __init__(self, count: int):
        super().__init__(f"more than {MAX_ALIASES} aliases (*name); refused so the file cannot expand "
                         f"exponentially")
        self.problem, self.problem_mark = str(self), None


class DuplicateKey(ValueError):
    def __init__(self, key: str, line: int):
        super().__init__(f"key {key!r} appears twice")
        self.key, self.line = key, line


def load_with_lines(text: str) -> tuple[Any, dict[tuple, int]]:
    """The parsed data and {field path: 1-based line} for each mapping key and list item.

    Raises yaml.YAMLError for syntax errors (with `problem_mark`) and DuplicateKey when a
    mapping repeats a key (PyYAML would silently keep the last one).
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        lines: dict[tuple, int] = {}
        if node is None:
            return None, lines
        _count_aliases(text)
        _walk(node, (), lines, set())
        return loader.construct_document(node), lines
    finally:
        loader.dispose()


def _count_aliases(text: str) -> None:
    count = 0
    for token in yaml.scan(text, Loader=_Loader):
        if isinstance(token, yaml.AliasToken):
            count += 1
            if count > MAX_ALIASES:
                raise TooManyAliases(count)


def _walk(node: yaml.Node, path: tuple, lines: dict[tuple, int], seen_nodes: set) -> None:
    if id(node) in seen_nodes:  # an alias of a node already walked: its lines are known
        return
    seen_nodes.add(id(node))
    if isinstance(node, yaml.MappingNode):
        seen: set = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                raise DuplicateKey(key, key_node.start_mark.line + 1)
            seen.add(key)
            lines[path + (key,)] = key_node.start_mark.line + 1
            _walk(value_node, path + (key,), lines, seen_nodes)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[path + (index,)] = item.start_mark.line + 1
            _walk(item, path + (index,), lines, seen_nodes)


def line_of(lines: dict[tuple, int], path: tuple) -> int | None:
    """The line of `path`, or of its nearest parent that has one (a missing field)."""
    path = tuple(path)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return None
