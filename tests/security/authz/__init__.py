"""The authorization matrix (tests/security/test_authorization_matrix.py) in parts: the
expectation vocabulary (`matrix`), the world the cases run in (`world`), and the rules per app
(`rules_<app>`)."""
