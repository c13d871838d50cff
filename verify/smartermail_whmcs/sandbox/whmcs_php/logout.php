<?php
/** WHMCS stand-in: log the client out. */

define('CLIENTAREA', true);
require __DIR__ . '/init.php';
WHMCS\Sandbox\ClientArea\Front::logout();
