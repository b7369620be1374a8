from twilio.rest import Client

account_sid = "AC9dd32863c0a9982fd29073c7097735bd"
auth_token = "dc98249dbd782cd4c2125a2ff8d584b9"
client = Client(account_sid, auth_token)
