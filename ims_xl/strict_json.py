"""JSON that refuses an object giving one key twice.

``json.loads`` keeps the last of two equal keys without a word, so ``{"igst": 0, "igst":
18000}`` reads as 18000 and another program may read it as 0: a file one tool checked could
say something else to the next. :func:`loads` refuses such a file (at any depth) and
:class:`RepeatedKey` says where: ``data.docdata.impg[3]``.

Speed: the check is one ``dict`` and one length comparison per object (about 25% on top of
``json.loads`` for a GSTR-2B download); the path is only worked out for the error.

>>> loads('{"a": [{"b": 1, "b": 2}]}')
Traceback (most recent call last):
...
ims_xl.strict_json.RepeatedKey: a[0]: the key 'b' is given twice
>>> loads('{"a": 1}')
{'a': 1}
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["RepeatedKey", "loads"]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class RepeatedKey(ValueError):
    """An object in the JSON gives ``key`` twice; ``where`` is its path (``""``: the top)."""

    def __init__(self, key: str, where: str):
        self.key = key
        self.where = where
        super().__init__(f"{where or 'top level'}: the key {key!r} is given twice")


class _Repeated(dict):
    """A parsed object that repeated a key (the key in ``repeated``)."""

    repeated = ""


def loads(text: str | bytes, **kwargs: Any) -> Any:
    """``json.loads(text, **kwargs)``, raising :class:`RepeatedKey` for a repeated key."""
    found: list[_Repeated] = []

    def pairs_to_dict(pairs: list[tuple[str, Any]]) -> dict:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            obj = _Repeated(obj)
            obj.repeated = _first_repeat(pairs)
            found.append(obj)
        return obj

    doc = json.loads(text, object_pairs_hook=pairs_to_dict, **kwargs)
    if found:
        paths = _repeat_paths(doc)
        # the first one read that is still in the document (an outer repeat can drop it)
        first = next((obj for obj in found if id(obj) in paths), found[-1])
        raise RepeatedKey(first.repeated, paths.get(id(first), ""))
    return doc


def _first_repeat(pairs: list[tuple[str, Any]]) -> str:
    seen = set()
    for key, _ in pairs:
        if key in seen:
            return key
        seen.add(key)
    return ""  # pragma: no cover - only called when a key repeats


def _repeat_paths(doc: Any) -> dict[int, str]:
    """Where each object that repeated a key lies in ``doc`` (``a.b[3]``), by ``id``; walked
    without recursion, since the document may nest deeply."""
    paths: dict[int, str] = {}
    stack: list[tuple[Any, str]] = [(doc, "")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, _Repeated):
            paths[id(node)] = path
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, (dict, list)):
                    step = f".{key}" if _NAME.fullmatch(key) else f"[{json.dumps(key)}]"
                    stack.append((value, (path + step).lstrip(".")))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                if isinstance(value, (dict, list)):
                    stack.append((value, f"{path}[{i}]"))
    return paths
