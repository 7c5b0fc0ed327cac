"""Values that look like what a field holds, chosen by its name, its format or its `x-faker`.

A field named `email` gets an address, `first_name` a first name, `price` an amount, `avatar` an
image URL. The values come from Faker (PyPI `faker`): each method is drawn a pool of values once
per locale, and a value is picked from the pool with the walk's own random source, so that a
record reads the same for the same seed and no Faker call is paid per value (Faker's weighted
name lists take a few hundred microseconds a call).

`x-faker` names a faker.js method as Prism reads it: the older `name.firstName` and the current
`person.firstName` both name Python Faker's `first_name`. The document's `x-json-schema-faker`
object sets the locale and the array lengths, as JSON Schema Faker's options do in Prism.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from faker import Faker

DEFAULT_LOCALE = "en_US"
# Values drawn per Faker method and locale: enough that a list of records rarely repeats a name.
_POOL = 128


@dataclass(frozen=True, slots=True)
class Options:
    """What the document's `x-json-schema-faker` object asks (Prism passes it to JSON Schema
    Faker): a locale, default array lengths, and whether examples and defaults are used."""

    locale: str | None = None
    min_items: int | None = None
    max_items: int | None = None
    use_examples: bool = True
    use_defaults: bool = False

    @classmethod
    def of(cls, document: Mapping[str, Any]) -> Options:
        """The options written in `document` (camelCase or kebab-case keys, as Prism takes)."""
        raw = document.get("x-json-schema-faker")
        if not isinstance(raw, Mapping):
            return cls()
        found = {
            re.sub(r"-([a-z])", lambda m: m.group(1).upper(), str(k)): v for k, v in raw.items()
        }
        locale = found.get("locale")
        return cls(
            locale if isinstance(locale, str) else None,
            _count(found.get("minItems")),
            _count(found.get("maxItems")),
            found.get("useExamplesValue", True) is not False,
            found.get("useDefaultValue") is True,
        )


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


class Fakes:
    """The Faker-made values of one document, in one locale; lookups made once per name."""

    def __init__(self, locale: str | None = None, now: dt.datetime | None = None) -> None:
        """Values in `locale` (Faker's spelling: `de_DE`, `fr`; ValueError for one it lacks);
        dates are laid around `now` (by default the start of the current month, so that a seed
        gives the same dates all month)."""
        self.locale = locale or DEFAULT_LOCALE
        _faker(self.locale)  # raises for an unknown locale, here rather than mid-answer
        today = dt.datetime.now(dt.UTC)
        self.now = now or today.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        self._kinds: dict[tuple[str, str, str], tuple[str, ...]] = {}

    def kinds(self, label: str, kind: str, form: str) -> tuple[str, ...]:
        """The fake kinds (`email`, `price`, ...) that suit a value named `label` of JSON type
        `kind` and format `form` (''), best first; empty when the name says nothing."""
        key = (label, kind, form)
        found = self._kinds.get(key)
        if found is None:
            found = self._kinds[key] = _kinds_for(_words(label), kind, form)
        return found

    def string(self, kind: str, rng: random.Random) -> str | None:
        """A string of fake `kind`, or None when the kind makes numbers."""
        made = _STRINGS.get(kind)
        if made is not None:
            return made(self, rng)
        if kind in _DATES:
            return self.moment(kind, rng)
        return None

    def number(self, kind: str, rng: random.Random, integer: bool) -> int | float | None:
        """A number of fake `kind` (`price`, `age`, ...), or None when the kind makes strings."""
        span = _NUMBERS.get(kind)
        if span is None:
            return None
        low, high, places = span
        if integer:
            return rng.randint(int(low), int(high))
        return round(rng.uniform(low, high), places)

    def moment(self, kind: str, rng: random.Random) -> str:
        """A date or time near `now`: past for most, ahead for `future`, decades ago for `birth`."""
        days = {"past": (-365, 0), "future": (1, 365), "birth": (-70 * 365, -18 * 365)}
        low, high = days[_DATES[kind][1]]
        moment = self.now + dt.timedelta(days=rng.randint(low, high), seconds=rng.randrange(86400))
        return moment.strftime(_DATES[kind][0])

    def pick(self, method: str, rng: random.Random) -> Any:
        """A value of Faker's `method` from its pool."""
        return rng.choice(_pool(self.locale, method))

    def call(self, method: str, rng: random.Random, arguments: Mapping[str, Any]) -> Any:
        """Faker's `method` called with `arguments`, drawing from `rng` (for `x-faker` with
        options, which no pool covers)."""
        faker = _faker(self.locale)
        faker.seed_instance(rng.getrandbits(64))
        return getattr(faker, method)(**arguments)

    def by_faker_js(self, spec: Any, rng: random.Random) -> Any:
        """The value an `x-faker` names (`person.firstName`, or `{"number.int": {"max": 9}}`),
        or None for a name this table lacks."""
        name, arguments = _faker_js_call(spec)
        method = faker_js_method(name) if name else None
        if method is None:
            return None
        if method in _DATES:
            return self.moment(method, rng)
        if method in _NUMBERS:
            low, high, places = _NUMBERS[method]
            low, high = arguments.get("min", low), arguments.get("max", high)
            value = rng.uniform(low, high) if places else rng.randint(int(low), int(high))
            return round(value, places) if places else value
        if method in _STRINGS:
            return _STRINGS[method](self, rng)
        if arguments:
            return self.call(method, rng, arguments)
        return self.pick(method, rng)


def _faker_js_call(spec: Any) -> tuple[str | None, dict[str, Any]]:
    if isinstance(spec, str):
        return spec, {}
    if isinstance(spec, Mapping) and len(spec) == 1:
        name, arguments = next(iter(spec.items()))
        options = arguments[0] if isinstance(arguments, list) and arguments else arguments
        return str(name), dict(options) if isinstance(options, Mapping) else {}
    return None, {}


def faker_js_method(name: str) -> str | None:
    """The Faker method (or fake kind) a faker.js `module.method` name stands for; None when
    unknown. The modules faker.js renamed (`name` -> `person`, `address` -> `location`,
    `random`/`datatype` -> `string`/`number`) are read under both names."""
    module, _, method = name.strip().rpartition(".")
    module = _MODULES.get(module.lower(), module.lower())
    key = method.replace("_", "").lower()
    return _FAKER_JS.get(f"{module}.{key}") or _FAKER_JS.get(f"*.{key}")


def unknown_fakers(document: Any) -> list[tuple[str, str]]:
    """(name, JSON pointer) of every `x-faker` in `document` that names no known method.
    Examples are not schemas, so they are not read."""
    found: list[tuple[str, str]] = []
    _find_unknown(document, [], found)
    return found


def _find_unknown(node: Any, path: list[str], found: list[tuple[str, str]]) -> None:
    if isinstance(node, dict):
        spec = node.get("x-faker")
        if spec is not None:
            name, _ = _faker_js_call(spec)
            if name is None or faker_js_method(name) is None:
                where = "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in path)
                found.append((str(name if name is not None else spec), f"{where}/x-faker"))
        for key, value in node.items():
            if isinstance(value, dict | list) and key not in _NOT_SCHEMAS:
                path.append(str(key))
                _find_unknown(value, path, found)
                path.pop()
    elif isinstance(node, list):
        for index, value in enumerate(node):
            if isinstance(value, dict | list):
                path.append(str(index))
                _find_unknown(value, path, found)
                path.pop()


_NOT_SCHEMAS = frozenset(("example", "examples", "x-faker", "x-json-schema-faker"))


@lru_cache(maxsize=16)
def _faker(locale: str) -> Faker:
    """One Faker per locale for the process: building one takes tens of milliseconds."""
    try:
        return Faker(locale)
    except AttributeError as error:
        raise ValueError(
            f"unknown Faker locale {locale!r}: expected one such as 'en_US'"
        ) from error


# Pools are a pure function of (locale, method), drawn from a fixed seed: sharing them between
# servers and tests changes no answer and saves drawing them again.
@lru_cache(maxsize=512)
def _pool(locale: str, method: str) -> tuple[Any, ...]:
    faker = _faker(locale)
    faker.seed_instance(f"{locale}:{method}")
    make = getattr(faker, method)
    values = tuple(make() for _ in range(_POOL))
    faker.seed_instance(0)
    return values


def _words(label: str) -> tuple[str, ...]:
    """`avatarURL`, `avatar_url`, `Avatar URL` -> ('avatar', 'url')."""
    spaced = re.sub(
        r"([a-z0-9])([A-Z])", r"\1 \2", re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", label)
    )
    return tuple(word for word in re.split(r"[^a-z0-9]+", spaced.lower()) if word)


def _kinds_for(words: tuple[str, ...], kind: str, form: str) -> tuple[str, ...]:
    joined = "".join(words)
    last = words[-1] if words else ""
    if kind in ("integer", "number"):
        return tuple(k for k, names in _NUMBER_NAMES if joined in names or last in names)
    if kind != "string":
        return ()
    if form in _FORMAT_KINDS:
        return _by_name_within(words, _FORMAT_KINDS[form]) or (_FORMAT_KINDS[form][0],)
    if form:
        return ()
    for fake, names, anywhere in _STRING_NAMES:
        if joined in names or last in names or (anywhere and any(w in names for w in words)):
            return fake
    return ()


def _by_name_within(words: tuple[str, ...], allowed: tuple[str, ...]) -> tuple[str, ...]:
    """The kinds a name picks among those a format allows (`avatar_url` + uri -> image URL)."""
    joined = "".join(words)
    for fake, names, anywhere in _STRING_NAMES:
        hit = joined in names or any(word in names for word in words)
        if (hit if anywhere else joined in names) and fake[0] in allowed:
            return fake
    return ()


def _line(text: str) -> str:
    return " ".join(text.split())


def _title(fakes: Fakes, rng: random.Random) -> str:
    return str(fakes.pick("sentence", rng)).rstrip(".")


_STRINGS: dict[str, Callable[[Fakes, random.Random], str]] = {
    "address": lambda fakes, rng: _line(str(fakes.pick("address", rng))),
    "title": _title,
}
_PICKED = (
    "first_name last_name name user_name email phone_number street_address city country "
    "country_code postcode state company url image_url currency_code sentence paragraph "
    "color_name hex_color job word domain_name ipv4 ipv6 uuid4 slug password locale "
    "language_code timezone iban mac_address user_agent file_name mime_type catch_phrase"
)


def _picker(method: str) -> Callable[[Fakes, random.Random], str]:
    return lambda fakes, rng: str(fakes.pick(method, rng))


_STRINGS.update({method: _picker(method) for method in _PICKED.split()})

# kind -> (strftime form, when)
_DATES = {
    "date_time": ("%Y-%m-%dT%H:%M:%SZ", "past"),
    "date": ("%Y-%m-%d", "past"),
    "time": ("%H:%M:%S", "past"),
    "future_date_time": ("%Y-%m-%dT%H:%M:%SZ", "future"),
    "future_date": ("%Y-%m-%d", "future"),
    "birth_date_time": ("%Y-%m-%dT%H:%M:%SZ", "birth"),
    "birth_date": ("%Y-%m-%d", "birth"),
}
# kind -> (low, high, decimal places)
_NUMBERS: dict[str, tuple[float, float, int]] = {
    "price": (1, 999, 2),
    "latitude": (-90, 90, 6),
    "longitude": (-180, 180, 6),
    "age": (18, 90, 0),
    "quantity": (1, 20, 0),
    "rating": (1, 5, 1),
    "percentage": (0, 100, 1),
    "year": (1990, 2030, 0),
    "int": (0, 99_999, 0),
    "float": (0, 1000, 2),
}
_NUMBER_NAMES = (
    ("price", {"price", "amount", "cost", "total", "subtotal", "balance", "fee", "salary"}),
    ("latitude", {"lat", "latitude"}),
    ("longitude", {"lng", "lon", "long", "longitude"}),
    ("age", {"age"}),
    ("quantity", {"quantity", "qty"}),
    ("rating", {"rating", "stars"}),
    ("percentage", {"percent", "percentage"}),
    ("year", {"year"}),
)
# (kinds best first, the names that call for them, whether any word of the name may call)
_STRING_NAMES: tuple[tuple[tuple[str, ...], frozenset[str], bool], ...] = tuple(
    (tuple(kinds.split()), frozenset(names.split()), anywhere)
    for kinds, names, anywhere in (
        ("first_name", "firstname givenname forename", False),
        ("last_name", "lastname surname familyname", False),
        ("name", "name fullname displayname contactname customername authorname author", False),
        ("user_name", "username login handle nickname screenname", False),
        ("email", "email emailaddress mail", True),
        ("phone_number", "phone phonenumber mobile telephone tel fax cellphone", True),
        ("street_address", "street streetaddress addressline1 address1 line1", False),
        ("city", "city town", False),
        ("country_code", "countrycode", False),
        ("country", "country", False),
        ("postcode", "zip zipcode postcode postalcode", False),
        ("address", "address", False),
        ("company", "company companyname organization organisation employer", False),
        ("image_url", "avatar image photo picture thumbnail logo icon img", True),
        ("url", "url uri website homepage link href", False),
        ("currency_code", "currency currencycode", False),
        ("title", "title subject headline", False),
        ("sentence", "description summary bio about comment note notes message", False),
        ("paragraph", "body content text details", False),
        ("color_name hex_color", "color colour", False),
        ("uuid4", "uuid guid", False),
        ("ipv4", "ip ipaddress ipv4", False),
        ("job", "job jobtitle occupation", False),
        ("slug", "slug", False),
        ("domain_name", "domain hostname", False),
        ("timezone", "timezone tz", False),
        ("language_code", "language lang", False),
        ("locale", "locale", False),
        ("password", "password", False),
        ("word", "tag keyword", False),
        ("catch_phrase", "slogan tagline catchphrase", False),
        ("file_name", "filename", False),
        ("mime_type", "mimetype contenttype", False),
        ("user_agent", "useragent", False),
        ("iban", "iban", False),
    )
)
# What a name may choose among under a format (the first is the format's own kind).
_FORMAT_KINDS = {
    "email": ("email",),
    "idn-email": ("email",),
    "uri": ("url", "image_url"),
    "url": ("url", "image_url"),
    "uri-template": ("url", "image_url"),  # a URL is a template without variables
    "iri": ("url", "image_url"),
    "hostname": ("domain_name",),
    "date-time": ("date_time", "future_date_time", "birth_date_time"),
    "date": ("date", "future_date", "birth_date"),
}

_MODULES = {"name": "person", "address": "location", "random": "string", "datatype": "string"}
# faker.js `module.method` (method lower-cased) -> Faker method or fake kind; `*` any module.
_FAKER_JS = {
    "person.firstname": "first_name",
    "person.lastname": "last_name",
    "person.fullname": "name",
    "person.findname": "name",
    "person.jobtitle": "job",
    "person.prefix": "prefix",
    "person.suffix": "suffix",
    "person.sex": "passport_gender",
    "internet.email": "email",
    "internet.exampleemail": "email",
    "internet.username": "user_name",
    "internet.url": "url",
    "internet.domainname": "domain_name",
    "internet.ip": "ipv4",
    "internet.ipv4": "ipv4",
    "internet.ipv6": "ipv6",
    "internet.mac": "mac_address",
    "internet.password": "password",
    "internet.useragent": "user_agent",
    "internet.avatar": "image_url",
    "image.imageurl": "image_url",
    "image.url": "image_url",
    "image.avatar": "image_url",
    "image.urlloremflickr": "image_url",
    "image.urlpicsumphotos": "image_url",
    "phone.phonenumber": "phone_number",
    "phone.number": "phone_number",
    "location.city": "city",
    "location.cityname": "city",
    "location.country": "country",
    "location.countrycode": "country_code",
    "location.state": "state",
    "location.streetaddress": "street_address",
    "location.street": "street_name",
    "location.streetname": "street_name",
    "location.zipcode": "postcode",
    "location.latitude": "latitude",
    "location.longitude": "longitude",
    "location.timezone": "timezone",
    "company.name": "company",
    "company.companyname": "company",
    "company.catchphrase": "catch_phrase",
    "company.bs": "bs",
    "commerce.price": "price",
    "commerce.department": "word",
    "commerce.productname": "catch_phrase",
    "finance.amount": "price",
    "finance.currencycode": "currency_code",
    "finance.iban": "iban",
    "finance.creditcardnumber": "credit_card_number",
    "finance.accountnumber": "bban",
    "lorem.word": "word",
    "lorem.words": "sentence",
    "lorem.sentence": "sentence",
    "lorem.sentences": "paragraph",
    "lorem.paragraph": "paragraph",
    "lorem.paragraphs": "paragraph",
    "lorem.text": "paragraph",
    "lorem.slug": "slug",
    "string.uuid": "uuid4",
    "string.alphanumeric": "pystr",
    "string.alpha": "pystr",
    "string.number": "int",
    "string.float": "float",
    "number.int": "int",
    "number.float": "float",
    "string.boolean": "pybool",
    "color.human": "color_name",
    "color.rgb": "hex_color",
    "internet.color": "hex_color",
    "date.past": "date_time",
    "date.recent": "date_time",
    "date.future": "future_date_time",
    "date.soon": "future_date_time",
    "date.birthdate": "birth_date",
    "date.anytime": "date_time",
    "date.month": "month_name",
    "date.weekday": "day_of_week",
    "system.filename": "file_name",
    "system.mimetype": "mime_type",
    "*.uuid": "uuid4",
    "*.number": "int",
    "*.boolean": "pybool",
}
