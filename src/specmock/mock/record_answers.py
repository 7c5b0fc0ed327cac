"""Answering with a stored record: the record in its documented envelope, valid for the
response schema, with its ETag (made once per record revision for reads)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from specmock.mock.answers import Reply, encode
from specmock.mock.binding import Binding, Bindings
from specmock.mock.resources import Envelope, Resource, response_envelope
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
        answer = synthesizer.conform(envelope.wrap(shown, identifier, base), schema, seed=seed)
        encoded = encode(answer, media)
        if binding.action.role == "read":  # only a read is answered again from the same record
            stored.keep_answer(answered, (answer, encoded))
        return Reply(status, media, answer, headers, encoded)

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
