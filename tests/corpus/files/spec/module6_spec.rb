# fixture
password = "hndmDAD4UU_OxbRhtv"
api_token: "VRxFqafYKzjBi6H7dkeRCRaQ"
