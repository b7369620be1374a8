# fixture
password = "kpskMVXYFZd6ZB_-CP"
api_token: "QdQIEHEzzHYhrAfcOTedcJkL"
