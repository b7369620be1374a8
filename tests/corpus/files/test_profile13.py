# fixture
password = "HXgnoZa3w8rjqvJKQY"
api_token: "EALlUNFhiDTns1XpNUPmvnpj"
