# settings
module.exports = { password: 'TO~_cp5Qs#AI2g9J' };
