"""The schema of results.json (``results.schema.json``, JSON Schema draft 2020-12) and its check.

Validation uses the ``jsonschema`` package when it is installed. Without it, a small validator
of the keywords the schema uses (type, enum, const, required, properties, items, pattern,
minimum, minLength, maxItems, minProperties, additionalProperties, $ref, allOf, oneOf, if/then) checks the same rules, so a reader
never takes an unchecked file for a valid one.
"""

from __future__ import annotations

import functools
import importlib
import json
import re
from collections.abc import Mapping
from importlib import resources
from typing import Any

SCHEMA_FILE = "results.schema.json"
MAX_ERRORS = 5


@functools.cache
def results_schema() -> dict[str, Any]:
    text = resources.files("pytest_mucverify.report").joinpath(SCHEMA_FILE).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def jsonschema_module() -> Any | None:
    """The jsonschema package, or None where it is not installed."""
    try:
        return importlib.import_module("jsonschema")
    except ImportError:
        return None


def schema_errors(data: Any) -> list[str]:
    """Why ``data`` is not a valid results.json (empty when it is); each error names where."""
    schema = results_schema()
    jsonschema = jsonschema_module()
    if jsonschema is None:
        return _Subset(schema).errors(data)[:MAX_ERRORS]
    validator = jsonschema.Draft202012Validator(schema)
    found = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    return [f"{_where(list(e.absolute_path))}: {e.message}" for e in found[:MAX_ERRORS]]


def _where(path: list[Any]) -> str:
    return "results" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


class _Subset:
    """The keywords results.schema.json uses, nothing more."""

    def __init__(self, root: Mapping[str, Any]) -> None:
        self.root = root

    def errors(self, data: Any, schema: Mapping[str, Any] | None = None, at: str = "") -> list[str]:
        schema = self.root if schema is None else schema
        where = at or "results"
        if "$ref" in schema:
            return self.errors(data, self._resolve(schema["$ref"]), at) + self.errors(
                data, {k: v for k, v in schema.items() if k != "$ref"}, at
            )
        found: list[str] = []
        if "type" in schema and not self._is(data, schema["type"]):
            return [f"{where}: {data!r:.60} is not of type {schema['type']!r}"]
        if "const" in schema and data != schema["const"]:
            found.append(f"{where}: {schema['const']!r} was expected")
        if "enum" in schema and data not in schema["enum"]:
            found.append(f"{where}: {data!r:.60} is not one of {schema['enum']!r}")
        if isinstance(data, str):
            if len(data) < schema.get("minLength", 0):
                found.append(f"{where}: {data!r} is too short")
            if "pattern" in schema and not re.search(schema["pattern"], data):
                found.append(f"{where}: {data!r:.60} does not match {schema['pattern']!r}")
        number = isinstance(data, int | float) and not isinstance(data, bool)
        if number and "minimum" in schema and data < schema["minimum"]:
            found.append(f"{where}: {data!r} is less than the minimum of {schema['minimum']}")
        if isinstance(data, dict):
            for key in schema.get("required", []):
                if key not in data:
                    found.append(f"{where}: {key!r} is a required property")
            for key, sub in schema.get("properties", {}).items():
                if key in data:
                    found += self.errors(data[key], sub, f"{where}.{key}")
            if len(data) < schema.get("minProperties", 0):
                found.append(f"{where}: should be non-empty")
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict):
                for key in data.keys() - schema.get("properties", {}).keys():
                    found += self.errors(data[key], extra, f"{where}.{key}")
        if isinstance(data, list):
            if len(data) > schema.get("maxItems", len(data)):
                found.append(f"{where}: is too long")
            if "items" in schema:
                for index, item in enumerate(data):
                    found += self.errors(item, schema["items"], f"{where}[{index}]")
        for sub in schema.get("allOf", []):
            found += self.errors(data, sub, at)
        if "oneOf" in schema:
            passing = sum(not self.errors(data, sub, at) for sub in schema["oneOf"])
            if passing != 1:
                found.append(f"{where}: {data!r:.60} is not valid under exactly one of the schemas")
        if "if" in schema and not self.errors(data, schema["if"], at) and "then" in schema:
            found += self.errors(data, schema["then"], at)
        return found

    def _resolve(self, ref: str) -> Mapping[str, Any]:
        if not ref.startswith("#/"):
            raise ValueError(f"only local references are supported, not {ref!r}")
        node: Any = self.root
        for part in ref[2:].split("/"):
            node = node[part]
        return dict(node)

    @staticmethod
    def _is(data: Any, kinds: str | list[str]) -> bool:
        for kind in [kinds] if isinstance(kinds, str) else kinds:
            if kind in ("integer", "number") and isinstance(data, bool):
                continue
            if isinstance(data, _TYPES[kind]):
                return True
        return False
