# settings
client = connect(host="db", password="mBUZz-CpjB1O1MdbQe1x6v")
