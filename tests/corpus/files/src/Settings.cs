# settings
var connection = new Client("svc", password: "2WbmI6W8o2L5VEifKLMQ1w");
