# fixture
password = "H~J2H7WJ5RG#d^Zetb"
api_token: "oVSfAswhwI4u43eorZBQz4Ku"
