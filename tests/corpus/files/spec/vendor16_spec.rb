# fixture
password = "wi1T_hsb3kypy_BgqH"
api_token: "pbhlKZyWUMve48gf53dHikbC"
