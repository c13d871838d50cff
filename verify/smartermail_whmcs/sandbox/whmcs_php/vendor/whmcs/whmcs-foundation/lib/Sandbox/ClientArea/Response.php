<?php
/** Ending a client-area request: a redirect, or a JSON answer, then exit as WHMCS does. */

namespace WHMCS\Sandbox\ClientArea;

class Response
{
    public static function redirect($location)
    {
        while (ob_get_level() > 0) {
            ob_end_clean();
        }
        header('Location: ' . $location, true, 302);
        exit;
    }

    public static function json($data, $status = 200)
    {
        while (ob_get_level() > 0) {
            ob_end_clean();
        }
        http_response_code($status);
        header('Content-Type: application/json');
        echo json_encode($data, JSON_UNESCAPED_SLASHES);
        exit;
    }
}
