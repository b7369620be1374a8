# fixture
password = "074Blv~SS^hbRx*9hR"
api_token: "wUcrYi3cgYrbKTQSlb9Y6KN7"
