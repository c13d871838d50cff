<?php
/**
 * WHMCS\Config\Setting: General Settings rows of tblconfiguration, as WHMCS exposes them to
 * modules (getValue / setValue). Each read goes to the database: settings written by another
 * process (the installer, a playbook) take effect on the next call, as they do in WHMCS.
 */

namespace WHMCS\Config;

use WHMCS\Database\Capsule;

class Setting
{
    public static function getValue($setting)
    {
        $value = Capsule::table('tblconfiguration')->where('setting', $setting)->value('value');
        return $value === null ? null : (string) $value;
    }

    public static function setValue($setting, $value)
    {
        $now = date('Y-m-d H:i:s');
        $updated = Capsule::table('tblconfiguration')->where('setting', $setting)
            ->update(['value' => (string) $value, 'updated_at' => $now]);
        if ($updated === 0 && !Capsule::table('tblconfiguration')->where('setting', $setting)->exists()) {
            Capsule::table('tblconfiguration')->insert([
                'setting' => $setting, 'value' => (string) $value, 'created_at' => $now, 'updated_at' => $now,
            ]);
        }
        $GLOBALS['CONFIG'][$setting] = (string) $value;
    }

    /** Every setting as WHMCS's global $CONFIG array holds them. */
    public static function allAsArray()
    {
        return Capsule::table('tblconfiguration')->pluck('value', 'setting')->map(function ($value) {
            return (string) $value;
        })->all();
    }
}
