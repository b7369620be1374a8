# settings
psql --username app --password=LxnzG8YimLTnQhfS2a!S appdb
