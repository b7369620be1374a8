# fixture
password = "u-hw#zeTvineGA^U1Z"
api_token: "mVqezMTfAzqRaYXTHegfrfG2"
