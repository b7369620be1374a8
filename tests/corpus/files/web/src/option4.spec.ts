# fixture
password = "L3H%AF8!9scPL2f!fh"
api_token: "R9qtPDghhLHhYKqwH6Gac9rY"
