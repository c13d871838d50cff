<?php
/**
 * WHMCS's answer to an error it cannot recover from (docs.whmcs.com Error Management): the
 * theme's error/internal-error.tpl, which Smarty does not process ({{title}}, {{systemurl}},
 * {{email}}, {{stacktrace}} are replaced), HTTP 500. The error's details appear on the page only
 * when Display Errors (tblconfiguration.DisplayErrors) is on; they always go to the web server's
 * log (the sandbox's DIR/web/web.log).
 */

namespace WHMCS\Sandbox\ClientArea;

use WHMCS\Config\Setting;

class ErrorPage
{
    const FATAL = E_ERROR | E_PARSE | E_CORE_ERROR | E_COMPILE_ERROR | E_USER_ERROR;

    /** Turn a fatal PHP error (one no exception handler sees) into the same page. */
    public static function catchFatalErrors()
    {
        register_shutdown_function(function () {
            $error = error_get_last();
            if ($error !== null && ($error['type'] & self::FATAL)) {
                self::send('PHP Fatal error: ' . $error['message'] . ' in ' . $error['file'] . ':' . $error['line']);
            }
        });
    }

    public static function show(\Throwable $e)
    {
        $detail = get_class($e) . ': ' . $e->getMessage() . ' in ' . $e->getFile() . ':' . $e->getLine();
        error_log('WHMCS client area: ' . $detail);
        self::send($detail);
    }

    private static function send($detail)
    {
        while (ob_get_level() > 0) {
            ob_end_clean();
        }
        if (!headers_sent()) {
            header_remove('Location');
            http_response_code(500);
            header('Content-Type: text/html; charset=utf-8');
        }
        echo strtr(self::template(), [
            '{{title}}' => 'Oops!',
            '{{systemurl}}' => htmlspecialchars(self::setting('SystemURL')),
            '{{email}}' => htmlspecialchars(self::setting('Email')),
            '{{stacktrace}}' => self::setting('DisplayErrors') === 'on' ? nl2br(htmlspecialchars($detail)) : '',
        ]);
    }

    private static function template()
    {
        $file = ROOTDIR . '/templates/' . Theme::DEFAULT_THEME . '/error/internal-error.tpl';
        try {
            $themed = ROOTDIR . '/templates/' . Theme::name() . '/error/internal-error.tpl';
            $file = is_file($themed) ? $themed : $file;
        } catch (\Throwable $e) {
            // no database: the stand-in's own page
        }
        $html = is_file($file) ? file_get_contents($file) : false;
        return $html === false ? '<h1>{{title}}</h1><p class="debug">{{stacktrace}}</p>' : $html;
    }

    private static function setting($name)
    {
        try {
            return (string) Setting::getValue($name);
        } catch (\Throwable $e) {
            return '';
        }
    }
}
