!function(e){var t="NpzsRtsoeF89i2R2Hg2ccSaNqgyXup6ElZZHQ1GB";e.exports={id:t,url:"/api/v1/items?q=a%20b"}}(module);
