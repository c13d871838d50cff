<?php
/**
 * WHMCS\Cron\Task\UpdateServerUsage ("Server Usage Stats", priority 1660, daily; whmcs.md §3.4, §5):
 * returns at once unless UpdateStatsAuto is on; otherwise calls <module>_UsageUpdate with the
 * server-only parameters for every enabled server whose module has it. A return that is neither
 * empty nor 'success' (or an exception) is logged to the activity log as
 * "Server Usage Update Failed: <response> - Server ID: <id>" and the run carries on.
 */

namespace WHMCS\Sandbox\Cron\Task;

use WHMCS\Config\Setting;
use WHMCS\Sandbox\Cron\Output;
use WHMCS\Sandbox\Cron\Task;
use WHMCS\Sandbox\ModuleParams;

class UpdateServerUsage extends Task
{
    const SYSTEM_NAME = 'UpdateServerUsage';
    const PRIORITY = 1660;
    const FREQUENCY = 1440;
    const NAME = 'Server Usage Stats';
    const DESCRIPTION = 'Updating Disk & Bandwidth Usage Stats';

    public function run(Output $out)
    {
        if (!in_array((string) Setting::getValue('UpdateStatsAuto'), ['on', '1'], true)) {
            $out->info('UpdateServerUsage: skipped, UpdateStatsAuto is off');
            return;
        }
        foreach (EnabledServers::withModules($out) as list($server, $module)) {
            if (!$module->hasFunction('UsageUpdate')) {
                continue;
            }
            try {
                $response = $module->call('UsageUpdate', ModuleParams::forServer($server, $module));
            } catch (\Throwable $e) {
                $response = get_class($e) . ': ' . $e->getMessage();
            }
            if ($response !== null && $response !== '' && $response !== 'success') {
                $message = 'Server Usage Update Failed: '
                    . (is_string($response) ? $response : json_encode($response)) . ' - Server ID: ' . $server->id;
                logActivity($message);
                $out->warning($message);
            } else {
                $out->info('UpdateServerUsage: server "' . $server->name . '" (ID ' . $server->id . '): success');
            }
        }
    }
}
