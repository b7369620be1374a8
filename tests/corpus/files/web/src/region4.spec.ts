# fixture
password = "21WthjccVgiDX_jxeh"
api_token: "WWuESYs8thTRV97JZhwe984H"
