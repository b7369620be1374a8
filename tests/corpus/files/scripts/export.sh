# settings
export REDIS_PASSWORD='2YNgQgvrzvMHe3H8qHxy'
