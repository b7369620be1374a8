# fixture
password = "mYxYjdpz_mbmT636LP"
api_token: "vABWHcjoeWbpJpY4DRmZAi5i"
