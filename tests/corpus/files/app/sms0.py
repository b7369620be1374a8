from twilio.rest import Client

account_sid = "AC692c857df47607bbd718582fd7d9b5d2"
auth_token = "98e40cf1a2ac4b5d995042fb7d736de7"
client = Client(account_sid, auth_token)
