# settings
export DB_PASSWORD='olqh93^Q7~ICWt'
