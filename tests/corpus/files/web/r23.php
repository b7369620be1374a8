# settings
<?php
$config = ['db_password' => 'ia-HK#PV77fbPq7c%l'];
