# settings
<?php
$config = ['db_password' => '2GdsD!Ooag9ze6#3xkA6'];
