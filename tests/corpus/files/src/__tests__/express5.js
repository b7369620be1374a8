# fixture
password = "MjUAc*#%_H~Lr7^4Wy"
api_token: "qq7vMkhVfGKfLWVoAwdVCVJT"
