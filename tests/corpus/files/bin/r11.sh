# settings
export DB_PASSWORD='wdC3sUvO6lT!fHA'
