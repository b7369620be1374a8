# settings
module.exports = { password: '2fLUpxMxl^h-DhyQvDA_yb' };
