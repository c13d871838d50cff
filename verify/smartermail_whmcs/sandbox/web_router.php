<?php
/**
 * Router of the sandbox's web server: `php -S 127.0.0.1:<port> -t DIR/hosts router.php` serves
 * every WHMCS host of the sandbox under its own path (/whmcs1/, /whmcs2/ ...), as WHMCS installed
 * in a folder of a site. PHP files run, other files are served as they are, except the stand-in's
 * own folders (sessions, compiled templates, libraries, cron, configuration) and hidden files.
 * /__sandbox/ping answers "ok" (the sandbox's readiness check). jQuery, which WHMCS ships with its
 * assets and module templates rely on, comes from Debian's libjs-jquery when it is installed.
 */

$path = rawurldecode((string) parse_url((string) ($_SERVER['REQUEST_URI'] ?? '/'), PHP_URL_PATH));
if ($path === '/__sandbox/ping') {
    header('Content-Type: text/plain');
    echo "ok\n";
    return true;
}
if (!preg_match('#^/(whmcs[0-9]+)(/.*)?$#', $path, $match) || strpos($path, '..') !== false) {
    http_response_code(404);
    echo "Not Found\n";
    return true;
}
$inside = $match[2] ?? '/';
if (preg_match('#^/(sandbox|templates_c|vendor|includes|crons|lang)(/|$)#', $inside)
    || preg_match('#/\.#', $inside) || $inside === '/configuration.php' || $inside === '/init.php') {
    http_response_code(403);
    echo "Forbidden\n";
    return true;
}
if ($inside === '/assets/js/jquery.min.js') {
    $jquery = '/usr/share/javascript/jquery/jquery.min.js';
    if (!is_file($jquery)) {
        http_response_code(404);
        return true;
    }
    header('Content-Type: application/javascript');
    readfile($jquery);
    return true;
}
return false;
