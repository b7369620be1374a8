# settings
client = connect(host="db", password="ev*bLJ9GdxjXB5cbTbH%F2")
