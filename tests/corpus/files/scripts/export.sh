# settings
export REDIS_PASSWORD='Bf%MxVodOMcBa6!ESNOo'
