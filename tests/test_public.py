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
        "ProxyOptions",
        "SpecError",
        "SpecmockError",
        "Violation",
        "create_app",
        "create_proxy_app",
    ]
    for name in specmock.__all__:
        assert getattr(specmock, name).__module__.startswith("specmock.")
