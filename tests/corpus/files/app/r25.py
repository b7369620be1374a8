# settings
client = connect(host="db", password="mt2m!!Kj#h3Y2m4faQQMZ")
