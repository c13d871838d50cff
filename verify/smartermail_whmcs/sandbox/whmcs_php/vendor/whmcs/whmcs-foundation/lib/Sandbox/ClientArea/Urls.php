<?php
/**
 * Paths of the client area's pages, relative to where this WHMCS is served (WEB_ROOT: "/whmcs1"
 * in the sandbox, "" at a site's root). Login is WHMCS 8's route index.php?rp=/login (friendly
 * URLs off).
 */

namespace WHMCS\Sandbox\ClientArea;

class Urls
{
    /** The web path of the WHMCS root, without a trailing slash, from the running script. */
    public static function webRoot()
    {
        $script = (string) ($_SERVER['SCRIPT_NAME'] ?? '');
        $file = realpath((string) ($_SERVER['SCRIPT_FILENAME'] ?? '')) ?: '';
        $root = realpath(ROOTDIR) ?: ROOTDIR;
        if ($file !== '' && strpos($file, $root . '/') === 0) {
            $relative = substr($file, strlen($root));
            if (substr($script, -strlen($relative)) === $relative) {
                return substr($script, 0, -strlen($relative));
            }
        }
        return rtrim(str_replace('\\', '/', dirname($script)), '/');
    }

    public static function to($page)
    {
        return self::webRoot() . '/' . ltrim((string) $page, '/');
    }

    public static function login()
    {
        return self::to('index.php?rp=/login');
    }

    public static function productDetails($serviceId)
    {
        return self::to('clientarea.php?action=productdetails&id=' . (int) $serviceId);
    }

    /** The page asked for, as a path under the web root (kept for after the login). */
    public static function current()
    {
        return (string) ($_SERVER['REQUEST_URI'] ?? self::to('clientarea.php'));
    }

    /** A redirect target given by the visitor, kept only when it stays inside this WHMCS. */
    public static function safeLocal($target)
    {
        $target = (string) $target;
        $root = self::webRoot() . '/';
        if ($target === '' || strpos($target, $root) !== 0 || strpos($target, '//') !== false) {
            return self::to('clientarea.php');
        }
        return $target;
    }
}
