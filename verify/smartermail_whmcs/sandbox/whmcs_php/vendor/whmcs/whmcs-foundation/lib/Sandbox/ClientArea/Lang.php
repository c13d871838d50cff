<?php
/**
 * WHMCS's client-area language strings, the global $_LANG that pages (and module templates)
 * read as {$LANG.key}: lang/<language>.php of the stand-in holds only the keys its own pages use.
 * WHMCS does not load a server module's lang/ files into $_LANG (none of its documents or the
 * decoded code we read does so, UNCONFIRMED): a module reads its own language file.
 */

namespace WHMCS\Sandbox\ClientArea;

use WHMCS\Config\Setting;

class Lang
{
    public static function load($language = '')
    {
        $language = strtolower((string) $language);
        if (!preg_match('/^[a-z_]+$/', $language)) {
            $language = strtolower((string) Setting::getValue('Language'));
        }
        $file = ROOTDIR . '/lang/' . $language . '.php';
        if (!preg_match('/^[a-z_]+$/', $language) || !is_file($file)) {
            $language = 'english';
            $file = ROOTDIR . '/lang/english.php';
        }
        $_LANG = [];
        include $file;
        $GLOBALS['_LANG'] = $_LANG;
        return $language;
    }

    public static function trans($key)
    {
        return (string) ($GLOBALS['_LANG'][$key] ?? $key);
    }
}
