# settings
export DB_PASSWORD='5rau!^ko-w33d^!yGynpWv'
