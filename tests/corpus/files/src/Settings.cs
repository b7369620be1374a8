# settings
var connection = new Client("svc", password: "jo*42wDuns*c61ea");
