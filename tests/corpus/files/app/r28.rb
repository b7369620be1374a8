# settings
config.password = "l5-!q~qwL4D03Sf~q!n"
