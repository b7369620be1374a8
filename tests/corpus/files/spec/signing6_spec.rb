# fixture
password = "T8RwdJbSUtKtDzW^LF"
api_token: "Fi0ny2PuyoMKJbT6ZRE2n8DO"
