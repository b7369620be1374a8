# fixture
password = "jK2m-dmU7Z^iA1nFcE"
api_token: "OApPSSoN5eCVJDxOlrHRxwG7"
