<?php
/**
 * Where WHMCS looks for a module's template (decoded WHMCS 8.7 AbstractModule::findTemplate,
 * MEDIUM): the name with any ".tpl" removed, then ".tpl" appended, tried in
 * templates/<theme>/modules/servers/<module>/, modules/servers/<module>/templates/<theme>/,
 * modules/servers/<module>/templates/ and modules/servers/<module>/. The result is relative to
 * ROOTDIR ('' when none exists: WHMCS then renders nothing in that place).
 */

namespace WHMCS\Sandbox\ClientArea;

class ModuleTemplates
{
    public static function find($module, $name)
    {
        $name = preg_replace('/\.tpl$/', '', (string) $name);
        if ($name === '' || strpos($name, '..') !== false) {
            return '';
        }
        $theme = Theme::name();
        $moduleDir = '/modules/servers/' . $module;
        $candidates = [
            '/templates/' . $theme . $moduleDir . '/' . $name . '.tpl',
            $moduleDir . '/templates/' . $theme . '/' . $name . '.tpl',
            $moduleDir . '/templates/' . $name . '.tpl',
            $moduleDir . '/' . $name . '.tpl',
        ];
        foreach ($candidates as $candidate) {
            if (is_file(ROOTDIR . $candidate)) {
                return $candidate;
            }
        }
        return '';
    }
}
