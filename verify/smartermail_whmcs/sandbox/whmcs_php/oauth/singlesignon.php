<?php
/** WHMCS stand-in: redeem a CreateSsoToken access token (single use, 60 s) and go to its destination. */

define('CLIENTAREA', true);
require dirname(__DIR__) . '/init.php';
WHMCS\Sandbox\ClientArea\Front::singleSignOn();
