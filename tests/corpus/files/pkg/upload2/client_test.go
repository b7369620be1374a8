# fixture
password = "k0QacZ%gExN1*cpYcA"
api_token: "PUAuyKGXJknYBYBYtnWUEvCU"
