import os
import requests

GITHUB_TOKEN = "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"
API_URL = os.environ.get("API_URL", "https://api.github.com")

def connect():
    return db.connect(user="svc", password="mQP*oOj_LVbT6yYCx1")
