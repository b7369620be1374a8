# fixture
password = "~074Blv~SS^hbRx*9h"
api_token: "vwUcrYi3cgYrbKTQSlb9Y6KN"
