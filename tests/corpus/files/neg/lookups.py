import os
password = os.environ["DB_PASSWORD"]
token = os.getenv("GITHUB_TOKEN")
secret = settings.SECRET_KEY
api_key = config.get('api_key')
client_secret = vault.read('kv/app')['client_secret']
