# settings
mysqldump -u backup --password=8CL%hfey6I*NtvWc# appdb > /tmp/db.sql
