# settings
<?php
$config = ['db_password' => 'p4wSBibIHWn5f0j~'];
