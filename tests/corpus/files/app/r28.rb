# settings
config.password = "ONbgU3CQCzd8qbaANAvE"
