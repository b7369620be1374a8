# fixture
password = "mNTRj94y~J#9!FTaHb"
api_token: "Zx7hM7tBXeffQM5eFC2wbJMa"
