# fixture
password = "6NwabVheH^C8Z4qnkj"
api_token: "MvuGwbLjqIAb5Sn0LGSXq1um"
