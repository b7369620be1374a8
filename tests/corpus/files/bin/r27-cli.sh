# settings
psql --username app --password=6iY^h~~CltHrJOxiHs14 appdb
