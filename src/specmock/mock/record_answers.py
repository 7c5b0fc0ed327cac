"""Answering with a stored record: the record in its documented envelope, valid for the
response schema, with its ETag (made once per record revision for reads).

A field a record lacks but an answer of its resource requires (GitHub's gist list requires
`url`, which a created gist does not hold) is made up once per record and field
(`StoredRecord.made_up`, seeded by the record's key and the field's name) and shown by every
answer of that resource whose schema has the field: its list and its item read the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from specmock.mock.answers import Reply, encode
from specmock.mock.binding import Binding, Bindings
from specmock.mock.resources import Envelope, Resource, record_schema, response_envelope
from specmock.mock.server_fields import mirrors, typed
from specmock.mock.storage import StoredRecord
from specmock.schemas.synthesis import Synthesizer
from specmock.spec.perobject import PerObject


class RecordAnswers:
    """Answers built from stored records for one API."""

    def __init__(self, bindings: Bindings, synthesizer: Synthesizer) -> None:
        self.bindings = bindings
        self.synthesizer = synthesizer
        self._envelopes: PerObject[Envelope] = PerObject()
        self._shown: dict[str, tuple[MadeUp, ...]] = {}
        self._required: dict[str, frozenset[str]] = {}
        # the fields a resource's list requires, by item template (`Listing.required_of`)
        self.listed: Callable[[str], frozenset[str]] = lambda template: frozenset()

    def answer(self, binding: Binding, key: str, stored: StoredRecord) -> Reply:
        """The operation's success answer holding the record stored at `key`."""
        operation = binding.operation
        status_key, status, media, schema = binding.success
        headers = {"ETag": stored.etag}
        if schema is None:
            return Reply(status, None, None, headers)
        answered = (operation.pointer, status_key)
        kept = stored.answer(answered)
        if kept is not None:
            answer, encoded = kept
            return Reply(status, media, answer, headers, encoded)
        envelope = self._envelope(schema, binding.resource.name)
        seed = f"{self.bindings.api.name}:{key}:{operation.pointer}:{status_key}"
        synthesizer = self.synthesizer
        # the rest of an envelope around the record, made up once per record
        base = (
            stored.made_up(status_key, lambda: synthesizer.generate(schema, seed=seed))
            if envelope.path
            else None
        )
        identifier = key.rsplit("/", 1)[-1]
        shown = as_shown(stored, binding.resource, identifier, binding.fields)
        fields = self._shown_fields(binding, schema, envelope)
        complete(self.synthesizer, f"{self.bindings.api.name}:{key}", stored, shown, fields)
        answer = synthesizer.conform(envelope.wrap(shown, identifier, base), schema, seed=seed)
        encoded = encode(answer, media)
        if binding.action.role == "read":  # only a read is answered again from the same record
            stored.keep_answer(answered, (answer, encoded))
        return Reply(status, media, answer, headers, encoded)

    def required_of(self, template: str) -> frozenset[str]:
        """The fields the item answer (GET) of a resource requires of its record."""
        if template not in self._required:
            found: frozenset[str] = frozenset()
            for operation in self.bindings.api.operations:
                binding = self.bindings.get(operation)
                role = binding.action.role if binding is not None else ""
                if binding is not None and role == "read" and binding.resource.item == template:
                    schema = binding.success.schema
                    if schema is not None:
                        envelope = self._envelope(schema, binding.resource.name)
                        found = required(record_schema(schema, envelope, self.bindings.resolve))
                    break
            self._required[template] = found
        return self._required[template]

    def _shown_fields(
        self, binding: Binding, schema: Mapping[str, Any], envelope: Envelope
    ) -> tuple[MadeUp, ...]:
        """The fields an answer shows of every record, made up where it lacks them: those it
        requires, and those the resource's list requires that it has."""
        pointer = binding.operation.pointer
        if pointer not in self._shown:
            record = record_schema(schema, envelope, self.bindings.resolve)
            properties = record.get("properties") or {}
            listed = self.listed(binding.resource.item) & properties.keys()
            self._shown[pointer] = made_up_fields(required(record) | listed, properties)
        return self._shown[pointer]

    def _envelope(self, schema: Mapping[str, Any], resource: str) -> Envelope:
        return self._envelopes.get(
            schema, lambda: response_envelope(schema, self.bindings.resolve, resource), resource
        )


def as_shown(
    stored: StoredRecord, resource: Resource, identifier: str, fields: Mapping[str, Any]
) -> dict[str, Any]:
    """A record as answered: fields that repeat the path id always say that id (a record
    seeded through the admin API may lack them)."""
    shown = dict(stored.record)
    for name in mirrors(resource.id_param, fields, resource.name):
        shown.setdefault(name, typed(identifier, fields[name]))
    return shown


def required(record: Mapping[str, Any]) -> frozenset[str]:
    """The fields a record schema requires (`allOf` parts already merged)."""
    names = record.get("required")
    return (
        frozenset(n for n in names if isinstance(n, str))
        if isinstance(names, list)
        else frozenset()
    )


# A field an answer may make up: its name, its key among a record's made-up values, its schema.
MadeUp = tuple[str, str, Mapping[str, Any]]


def made_up_fields(names: Iterable[str], properties: Mapping[str, Any]) -> tuple[MadeUp, ...]:
    """The fields of `names` an answer makes up where a record lacks them: those `properties`
    gives a schema that is not writeOnly (worked out once per answer, not per record)."""
    return tuple(
        (name, f"field:{name}", schema)
        for name in sorted(names)
        if isinstance(schema := properties.get(name), Mapping) and not schema.get("writeOnly")
    )


def complete(
    synthesizer: Synthesizer,
    seed: str,
    stored: StoredRecord,
    shown: dict[str, Any],
    fields: Iterable[MadeUp],
) -> None:
    """Add to `shown` each of `fields` it lacks, made up once per record and field (seeded by
    the record's `seed` and the field's key), so every answer that shows a field shows the same
    value. A created GitHub repository lacks dozens: this loop is on every POST's path."""
    made = stored.generated
    if made is None:
        made = stored.generated = {}
    for name, key, schema in fields:
        if name not in shown:
            value = made.get(key, made)  # (the dict itself: no value made yet)
            if value is made:
                value = made[key] = synthesizer.generate(schema, seed=f"{seed}:{key}")
            shown[name] = value
