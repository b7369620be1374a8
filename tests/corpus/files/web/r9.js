# settings
module.exports = { password: 'weoLXW-6hEV!y*ADnE^X1I' };
