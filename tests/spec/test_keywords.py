from specmock.spec.keywords import DATA, SUBSCHEMA, SUBSCHEMA_LISTS, SUBSCHEMA_MAPS


def test_keywords_each_keyword_holds_one_kind_of_value():
    tables = (SUBSCHEMA, SUBSCHEMA_LISTS, SUBSCHEMA_MAPS, DATA)
    listed = [key for table in tables for key in table]
    assert len(listed) == len(set(listed))


def test_keywords_subschema_tables_name_the_2020_12_applicators():
    assert {*SUBSCHEMA, *SUBSCHEMA_LISTS, *SUBSCHEMA_MAPS} >= {
        "items",
        "prefixItems",
        "contains",
        "additionalProperties",
        "properties",
        "patternProperties",
        "propertyNames",
        "dependentSchemas",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "if",
        "then",
        "else",
        "unevaluatedItems",
        "unevaluatedProperties",
        "contentSchema",
        "$defs",
    }
