def test_login():
    password = "fake_password_123"
    token = "mock_token_abcdef123"
    api_key = "test_api_key_987654"
    secret = "dummy-secret-value"
    assert login(password)
