# fixture
password = "!FTaHbVoN3jkkj#4Sc"
api_token: "JMaEoci0vW0htKmFkrfQhKVs"
