# settings
module.exports = { password: 'z21TKrkY^4jQQ6u-lr~XT' };
