# settings
<?php
$config = ['db_password' => '%*W838pbpJYPBGVo'];
