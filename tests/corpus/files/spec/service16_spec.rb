# fixture
password = "btT%z-xIb1Y%2fByT!"
api_token: "qNZJA4Mh7Qc6Mz1ZFNmsfRNy"
