import specmock


def test_public_surface_is_pinned():
    assert specmock.__all__ == [
        "Api",
        "Catalog",
        "Config",
        "ConfigError",
        "LiveServer",
        "Operation",
        "Problem",
        "SpecError",
        "SpecmockError",
        "Violation",
        "create_app",
    ]
    for name in specmock.__all__:
        assert getattr(specmock, name).__module__.startswith("specmock.")
