# settings
export DB_PASSWORD='qVuzilih%AGi2_-Gy'
