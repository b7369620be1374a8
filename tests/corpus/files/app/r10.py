# settings
client = connect(host="db", password="M3bhcfAeHIJgN8^E69")
