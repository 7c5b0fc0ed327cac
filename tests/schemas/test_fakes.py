"""Tests for specmock.schemas.fakes, through the synthesizer that uses it: values shaped by their
names and formats, examples, x-faker, x-count, x-json-schema-faker, seeds, locales and safe
integers; every value checked with the validators openapi-core uses for responses."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest

from specmock.schemas import fakes
from specmock.schemas.synthesis import Synthesizer
from tests.schemas.test_synthesis import NOW, document, errors

SEEDS = [f"contacts/{n}" for n in range(40)]


def made(
    schema: Any, seed: str = "contacts/1", doc: dict[str, Any] | None = None, **kw: Any
) -> Any:
    doc = doc or document()
    value = Synthesizer(doc, now=NOW, **kw).generate(schema, seed=seed)
    assert errors(doc, schema, value) == []
    return value


def objects(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(properties)}


STRING = {"type": "string"}


@pytest.mark.parametrize(
    ("name", "schema", "shape"),
    [
        pytest.param("email", STRING, r"^[\w.+-]+@[\w-]+(\.[\w-]+)+$", id="email"),
        pytest.param("first_name", STRING, r"^[A-Z][a-z]+$", id="first-name"),
        pytest.param("lastName", STRING, r"^[A-Z][a-zA-Z' -]+$", id="last-name-camel"),
        pytest.param("full_name", STRING, r"^\S+( \S+)+$", id="full-name"),
        pytest.param("phone", STRING, r"\d{3}", id="phone"),
        pytest.param("city", STRING, r"^[A-Z]", id="city"),
        pytest.param("zip_code", STRING, r"^\d{5}$", id="zip"),
        pytest.param("avatar_url", {"type": "string", "format": "uri"}, r"^https?://", id="avatar"),
        pytest.param("website", STRING, r"^https?://", id="url"),
        pytest.param(  # GitHub's 3,756 `*_url` fields
            "followers_url", {"type": "string", "format": "uri-template"}, r"^https?://", id="tpl"
        ),
        pytest.param("currency", STRING, r"^[A-Z]{3}$", id="currency"),
        pytest.param("description", STRING, r"^[A-Z].* .*\.$", id="description"),
        pytest.param(
            "created_at", {"type": "string", "format": "date-time"}, r"^202[34]-", id="date"
        ),
        pytest.param("guid", STRING, r"^[0-9a-f]{8}-[0-9a-f]{4}-4", id="uuid"),
        pytest.param("price", {"type": "number"}, r"^\d{1,3}(\.\d{1,2})?$", id="price"),
        pytest.param("age", {"type": "integer"}, r"^(1[89]|[2-8]\d|90)$", id="age"),
    ],
)
def test_fakes_names_give_faker_shaped_values(name: str, schema: Any, shape: str) -> None:
    seen = set()
    for seed in SEEDS[:10]:
        value = made(objects(**{name: schema}), seed)[name]
        assert re.search(shape, str(value)), value
        seen.add(value)
    assert len(seen) > 3  # not one placeholder for every record


def test_fakes_name_rejected_by_constraints_falls_back_to_plain_values() -> None:
    schema = objects(
        city={"type": "string", "maxLength": 3},
        email={"type": "string", "pattern": "^[a-z]+@corp\\.test$"},
        price={"type": "number", "minimum": 5000, "maximum": 5001},
        name={"type": "string", "minLength": 60},
    )
    for seed in SEEDS:
        value = made(schema, seed)
        assert len(value["city"]) <= 3 and value["email"].endswith("@corp.test")


def test_fakes_property_examples_used_where_they_fit() -> None:
    schema = objects(
        name={"type": "string", "example": "doggie"},
        service={"type": "string", "examples": ["zoho-crm", "hubspot"]},
        code={"type": "string", "maxLength": 2, "example": "too long"},
        count={"type": "integer", "example": 7},
    )
    value = made(schema, doc=document("3.1.0"))
    assert value["name"] == "doggie" and value["service"] == "zoho-crm" and value["count"] == 7
    assert value["code"] != "too long" and len(value["code"]) <= 2


def test_fakes_examples_off_and_defaults_on_by_x_json_schema_faker() -> None:
    doc = {
        **document(),
        "x-json-schema-faker": {"useExamplesValue": False, "use-default-value": True},
    }
    schema = objects(name={"type": "string", "example": "doggie", "default": "rex"})
    assert made(schema, doc=doc)["name"] == "rex"


@pytest.mark.parametrize("method", ["name.firstName", "person.firstName"])
def test_fakes_x_faker_old_and_current_names(method: str) -> None:
    schema = objects(nick={"type": "string", "x-faker": method})
    names = {made(schema, seed)["nick"] for seed in SEEDS[:10]}
    assert all(re.fullmatch(r"[A-Z][a-z]+", name) for name in names) and len(names) > 3


def test_fakes_x_faker_with_options_and_numbers() -> None:
    schema = objects(
        score={"type": "integer", "x-faker": {"number.int": {"min": 3, "max": 5}}},
        photo={"type": "string", "x-faker": "image.imageUrl"},
        amount={"type": "string", "x-faker": "commerce.price"},
    )
    for seed in SEEDS[:10]:
        value = made(schema, seed)
        assert 3 <= value["score"] <= 5 and value["photo"].startswith("http")
        float(value["amount"])


def test_fakes_unknown_x_faker_is_a_warning_naming_the_place() -> None:
    doc = document(Pet=objects(nick={"type": "string", "x-faker": "person.nosuch"}))
    synthesizer = Synthesizer(doc)
    assert synthesizer.warnings == [
        "/components/schemas/Pet/properties/nick/x-faker: x-faker 'person.nosuch' names no "
        "faker.js method specmock knows; the value is made up from the schema"
    ]
    value = synthesizer.generate({"$ref": "#/components/schemas/Pet"}, seed="1")
    assert isinstance(value["nick"], str)


def test_fakes_every_faker_js_name_makes_a_value() -> None:
    fake = fakes.Fakes(now=NOW)
    for name in fakes._FAKER_JS:
        assert fake.by_faker_js(name.replace("*", "random"), random.Random(1)) is not None


@pytest.mark.parametrize(
    ("schema", "length"),
    [
        pytest.param({"type": "array", "items": STRING, "x-count": 5}, 5, id="x-count"),
        pytest.param({"type": "array", "items": STRING, "x-count": 9, "maxItems": 4}, 4, id="cut"),
        pytest.param({"type": "array", "items": STRING, "x-count": 0, "minItems": 2}, 2, id="min"),
    ],
)
def test_fakes_x_count_sets_array_length(schema: Any, length: int) -> None:
    assert len(made(schema)) == length


def test_fakes_x_json_schema_faker_array_lengths() -> None:
    doc = {**document(), "x-json-schema-faker": {"min-items": 3, "maxItems": 3}}
    assert len(made({"type": "array", "items": STRING}, doc=doc)) == 3


def test_fakes_same_seed_same_data_other_seed_other_data() -> None:
    schema = objects(name=STRING, email=STRING, city=STRING, price={"type": "number"})

    def record(seed: int | None) -> Any:
        return Synthesizer(document(), seed=seed).generate(schema, seed="contacts/1")

    first = record(7)
    assert record(7) == first
    assert record(8) != first
    assert record(None) != first  # no seed is a seed of its own


@pytest.mark.parametrize(
    ("locale", "where"), [("de_DE", "argument"), ("fr_FR", "x-json-schema-faker")]
)
def test_fakes_locale(locale: str, where: str) -> None:
    doc = document()
    if where == "argument":
        synthesizer = Synthesizer(doc, locale=locale)
    else:
        synthesizer = Synthesizer({**doc, "x-json-schema-faker": {"locale": locale}})
    assert synthesizer.fakes.locale == locale
    cities = {synthesizer.generate(objects(city=STRING), seed=seed)["city"] for seed in SEEDS}
    english = {made(objects(city=STRING), seed)["city"] for seed in SEEDS}
    assert cities.isdisjoint(english)


def test_fakes_unknown_locale_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown Faker locale 'xx_YY'"):
        Synthesizer(document(), locale="xx_YY")


@pytest.mark.parametrize("dynamic", [False, True])
@pytest.mark.parametrize(
    "schema",
    [
        pytest.param({"type": "integer", "format": "int64"}, id="int64"),
        pytest.param({"type": "integer", "format": "int64", "minimum": -(2**62)}, id="low"),
        pytest.param({"type": "number", "format": "int64"}, id="number"),
    ],
)
def test_fakes_integers_stay_within_javascripts_safe_range(schema: Any, dynamic: bool) -> None:
    doc = document()
    synthesizer = Synthesizer(doc)
    items = {"type": "array", "items": schema, "minItems": 5, "uniqueItems": True}
    for seed in SEEDS[:10]:
        for value in synthesizer.generate(items, seed=seed, dynamic=dynamic):
            assert abs(value) <= 2**53 - 1
        assert errors(doc, items, synthesizer.generate(items, seed=seed, dynamic=dynamic)) == []


def test_fakes_integers_beyond_the_safe_range_when_the_bounds_demand() -> None:
    schema = {"type": "integer", "minimum": 2**60}
    assert made(schema) >= 2**60
