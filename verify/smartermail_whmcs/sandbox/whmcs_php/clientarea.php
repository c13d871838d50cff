<?php
/** WHMCS stand-in: the client area (services list, product details and the module's pages). */

define('CLIENTAREA', true);
require __DIR__ . '/init.php';
WHMCS\Sandbox\ClientArea\Front::clientArea();
