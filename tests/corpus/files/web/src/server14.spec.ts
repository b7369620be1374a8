# fixture
password = "4VOZXx5PLPxB_YM0xM"
api_token: "sRNN7CB9VMGAC1NldFn2Zjji"
