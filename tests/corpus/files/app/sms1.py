from twilio.rest import Client

account_sid = "AC36099accc38c5092ae04eaf0b90a9173"
auth_token = "8df1110c725e0e02563dec4123c93dce"
client = Client(account_sid, auth_token)
