<?php
$password = getenv('DB_PASSWORD');
$token = $_ENV['API_TOKEN'];
define('AUTH_KEY', 'put your unique phrase here');
