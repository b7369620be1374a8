# settings
psql --username app --password=%fgGxwFIlFiBZycW1 appdb
