config.secret_key_base = ENV['SECRET_KEY_BASE']
password = ENV.fetch('DB_PASSWORD')
api_key = Rails.application.credentials.api_key
