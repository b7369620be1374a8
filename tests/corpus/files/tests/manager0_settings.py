# fixture
password = "DZQ^R1%Sc^ZwXgmLHi"
api_token: "vfPxtTQRSq7LTuhWClMmXPM5"
