!function(e){var t="qwErShsW2VDgwYHRhzmcc3IgBBBjnBuC5lqmF9yJ";e.exports={id:t,url:"/api/v1/items?q=a%20b"}}(module);
