<?php
/**
 * Setup > Addon Modules (admin/configaddonmods.php) as WHMCS 8 runs it, for the shell
 * (sandbox/admin.php activate-addon / deactivate-addon / addon-modules; docs/sandbox.md).
 *
 * What WHMCS records (docs/whmcs-standin-facts.md, addon modules):
 * - tblconfiguration.ActiveAddonModules: the active addons, a sorted comma list;
 * - tbladdonmodules (module, setting, value): 'version' (written by Activate), 'access' (admin role
 *   ids, comma list) and one row per config field (written by Save Changes);
 * - tblconfiguration.AddonModulesHooks: the active addons that ship a hooks.php (the only list
 *   read at bootstrap), and AddonModulesPerms: serialize([roleid => [module => display name]]),
 *   both rebuilt each time the page is displayed, which is also when <name>_upgrade() runs.
 *
 * activate() is the Activate button, then ticking the roles and Save Changes for that addon, then
 * the page display WHMCS redirects to. On an already active addon the Activate button is
 * disabled in WHMCS, so only the Save and the display happen: running it again changes nothing.
 */

namespace WHMCS\Sandbox;

use WHMCS\Config\Setting;
use WHMCS\Database\Capsule;

class AddonModules
{
    const ACTIVE = 'ActiveAddonModules';
    const HOOKS = 'AddonModulesHooks';
    const PERMS = 'AddonModulesPerms';
    const TABLE = 'tbladdonmodules';

    /** Role given access when an activation names none and none is recorded (a stand-in choice). */
    const DEFAULT_ACCESS = ['1'];

    /** Names listed in ActiveAddonModules (blanks, e.g. from a leading comma, dropped). */
    public static function active()
    {
        return array_values(array_filter(explode(',', (string) Setting::getValue(self::ACTIVE)), 'strlen'));
    }

    /** The addon's tbladdonmodules rows as setting => value. */
    public static function settings($name)
    {
        return Capsule::table(self::TABLE)->where('module', $name)->orderBy('id')->pluck('value', 'setting')
            ->map(function ($value) {
                return (string) $value;
            })->all();
    }

    /**
     * Activate (when not active yet), grant $roleIds (null: keep the recorded access, or
     * DEFAULT_ACCESS when none) and store missing field defaults, then display the page.
     * AddonModuleError when the addon is unknown, a role id does not exist or _activate() fails.
     */
    public static function activate($name, $roleIds = null)
    {
        self::ensureSettings();
        $addon = new AddonModule($name);
        $roleIds = $roleIds === null ? null : self::validRoleIds($roleIds);
        $before = self::snapshot($name);
        $status = 'success';
        $description = '';
        $activated = false;
        if (!in_array($name, self::active(), true)) {
            list($ok, $status, $description) = $addon->callLifecycle('activate');
            if (!$ok) {
                throw new AddonModuleError($description);
            }
            $active = self::active();
            $active[] = $name;
            sort($active);
            Setting::setValue(self::ACTIVE, implode(',', $active));
            Capsule::table(self::TABLE)->insert(['module' => $name, 'setting' => 'version', 'value' => $addon->version()]);
            logActivity('Addon Module Activated - ' . $addon->displayName());
            $activated = true;
        }
        self::save($addon, $roleIds);
        $page = self::display();
        return [
            'module' => $name,
            'activated' => $activated,
            'changed' => $before != self::snapshot($name),
            'status' => $status,
            'description' => $description,
            'settings' => (object) self::settings($name),
        ] + $page;
    }

    /** Deactivate an active addon: _deactivate(), then its rows and list entries go. */
    public static function deactivate($name)
    {
        self::ensureSettings();
        $addon = new AddonModule($name);
        $status = 'success';
        $description = '';
        $deactivated = false;
        if (in_array($name, self::active(), true)) {
            list($ok, $status, $description) = $addon->callLifecycle('deactivate');
            if (!$ok) {
                throw new AddonModuleError($description);
            }
            Capsule::table(self::TABLE)->where('module', $name)->delete();
            Setting::setValue(self::ACTIVE, implode(',', array_diff(self::active(), [$name])));
            $hooks = array_filter(explode(',', (string) Setting::getValue(self::HOOKS)), 'strlen');
            Setting::setValue(self::HOOKS, implode(',', array_diff($hooks, [$name])));
            logActivity('Addon Module Deactivated - ' . $addon->displayName());
            $deactivated = true;
        }
        return [
            'module' => $name,
            'deactivated' => $deactivated,
            'changed' => $deactivated,
            'status' => $status,
            'description' => $description,
        ] + self::display();
    }

    /**
     * What displaying the page does for every active, installed addon: run <name>_upgrade() when
     * the recorded version differs from its config's (then record the new one), and rebuild
     * AddonModulesHooks and AddonModulesPerms. Returns the resulting state.
     */
    public static function display()
    {
        self::ensureSettings();
        $active = self::active();
        $roles = Capsule::table('tbladminroles')->orderBy('name')->pluck('id')->map(function ($id) {
            return (string) $id;
        })->all();
        $hooks = [];
        $perms = [];
        $upgraded = [];
        foreach (AddonModule::installed() as $name) {
            if (!in_array($name, $active, true)) {
                continue;
            }
            try {
                $addon = new AddonModule($name);
            } catch (ModuleException $e) {
                continue;  // WHMCS leaves out addons whose config cannot be read
            }
            if ($addon->hasHooks()) {
                $hooks[] = $name;
            }
            $stored = self::settings($name);
            $recorded = isset($stored['version']) ? $stored['version'] : null;
            if ($recorded != $addon->version()) {
                $addon->upgrade($stored);
                Capsule::table(self::TABLE)->where('module', $name)->where('setting', 'version')
                    ->update(['value' => $addon->version()]);
                $upgraded[$name] = ['from' => $recorded, 'to' => $addon->version()];
            }
            $allowed = isset($stored['access']) ? explode(',', $stored['access']) : [];
            foreach ($roles as $roleId) {
                if (in_array($roleId, $allowed, true)) {
                    $perms[(int) $roleId][$name] = $addon->displayName();
                }
            }
        }
        sort($hooks);
        if ((string) Setting::getValue(self::HOOKS) !== implode(',', $hooks)) {
            Setting::setValue(self::HOOKS, implode(',', $hooks));
        }
        Setting::setValue(self::PERMS, serialize($perms));
        return [
            'upgraded' => (object) $upgraded,
            self::ACTIVE => (string) Setting::getValue(self::ACTIVE),
            self::HOOKS => (string) Setting::getValue(self::HOOKS),
            self::PERMS => (string) Setting::getValue(self::PERMS),
        ];
    }

    /** The page's first lines: the three settings are created (empty) when missing. */
    private static function ensureSettings()
    {
        foreach ([self::ACTIVE, self::PERMS, self::HOOKS] as $setting) {
            if (Setting::getValue($setting) === null) {
                Setting::setValue($setting, '');
            }
        }
    }

    /**
     * Save Changes with only this addon's boxes changed: its 'access' row, and a row for each
     * config field not stored yet holding what the form shows for it (its Default).
     */
    private static function save(AddonModule $addon, $roleIds)
    {
        $name = $addon->name();
        $stored = self::settings($name);
        if ($roleIds === null) {
            $roleIds = isset($stored['access']) ? null : self::DEFAULT_ACCESS;
        }
        if ($roleIds !== null && (!isset($stored['access']) || $stored['access'] !== implode(',', $roleIds))) {
            Capsule::table(self::TABLE)->where('module', $name)->where('setting', 'access')->delete();
            Capsule::table(self::TABLE)->insert(['module' => $name, 'setting' => 'access', 'value' => implode(',', $roleIds)]);
            logActivity('Addon Module Access Permissions Changed - ' . $addon->displayName());
        }
        foreach ($addon->fields() as $key => $field) {
            if (!array_key_exists((string) $key, $stored)) {
                Capsule::table(self::TABLE)->insert(['module' => $name, 'setting' => (string) $key, 'value' => self::fieldDefault((array) $field)]);
            }
        }
    }

    /** The value the config form submits for a field nobody touched. */
    private static function fieldDefault(array $field)
    {
        $type = isset($field['Type']) ? (string) $field['Type'] : 'text';
        $default = isset($field['Default']) ? (string) $field['Default'] : '';
        if ($type === 'yesno') {
            return $default !== '' && $default !== 'off' && $default !== 'disabled' ? 'on' : '';
        }
        if ($type === 'dropdown' && $default === '' && isset($field['Options'])) {
            $options = is_array($field['Options']) ? array_keys($field['Options']) : explode(',', (string) $field['Options']);
            return $options ? (string) reset($options) : '';
        }
        return $default;
    }

    /** Role ids as strings, each one an existing tbladminroles id; AddonModuleError otherwise. */
    private static function validRoleIds(array $roleIds)
    {
        $known = Capsule::table('tbladminroles')->pluck('id')->map(function ($id) {
            return (string) $id;
        })->all();
        $ids = [];
        foreach ($roleIds as $roleId) {
            $roleId = trim((string) $roleId);
            if (!in_array($roleId, $known, true)) {
                throw new AddonModuleError('admin role ID ' . $roleId . ' not found (tbladminroles has ' . implode(',', $known) . ')');
            }
            if (!in_array($roleId, $ids, true)) {
                $ids[] = $roleId;
            }
        }
        sort($ids);
        return $ids;
    }

    /** Everything activate() may change for an addon, to tell whether it changed anything. */
    private static function snapshot($name)
    {
        return [
            Capsule::table(self::TABLE)->where('module', $name)->orderBy('id')->get(['setting', 'value'])->map(function ($row) {
                return [(string) $row->setting, (string) $row->value];
            })->all(),
            Setting::getValue(self::ACTIVE),
            Setting::getValue(self::HOOKS),
            Setting::getValue(self::PERMS),
        ];
    }
}
