<?php
/**
 * The client-area theme: tblconfiguration.Template (WHMCS's System Theme setting) when that
 * folder exists under templates/, else the stand-in's own small theme "sandbox". WHMCS's own
 * themes (twenty-one, six) are not shipped.
 */

namespace WHMCS\Sandbox\ClientArea;

use WHMCS\Config\Setting;

class Theme
{
    const DEFAULT_THEME = 'sandbox';

    public static function name()
    {
        $configured = (string) Setting::getValue('Template');
        if ($configured !== '' && preg_match('/^[A-Za-z0-9_-]+$/', $configured)
            && is_dir(ROOTDIR . '/templates/' . $configured)) {
            return $configured;
        }
        return self::DEFAULT_THEME;
    }
}
