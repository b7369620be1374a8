# settings
config.password = "85Rd-ltmcT9vUMPL_w"
