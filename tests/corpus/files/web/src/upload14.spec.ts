# fixture
password = "LUy8L!prd^g!wxZ2bV"
api_token: "sOPvoLZ37Jmh0TJZrE7cIuQg"
