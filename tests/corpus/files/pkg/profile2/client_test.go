# fixture
password = "5b20X3fX-LUQhA#9_q"
api_token: "lzGKYLN5OXGOGAwDNtbsnUHZ"
