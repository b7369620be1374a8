# settings
psql --username app --password=7QRuYeKBzgUrRtTfo^mS appdb
