from tests.security import test_schemathesis


def pytest_collection_modifyitems(config, items):
    test_schemathesis.mark_known_findings(
        [item for item in items if item.module is test_schemathesis]
    )
