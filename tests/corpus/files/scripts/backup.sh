# settings
mysqldump -u backup --password=jA8_%6lbH8RTvMXNsT4r appdb > /tmp/db.sql
