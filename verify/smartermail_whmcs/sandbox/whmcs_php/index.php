<?php
/** WHMCS stand-in: index.php and its routes (?rp=/login). */

define('CLIENTAREA', true);
require __DIR__ . '/init.php';
WHMCS\Sandbox\ClientArea\Front::index();
