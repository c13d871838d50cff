<?php
/**
 * The servers a per-server task visits, as WHMCS visits them: every tblservers row with
 * disabled = 0 (the active flag does not matter), ordered by name, each with its module loaded
 * from the server's type (whmcs.md §3.4). A server whose module is not installed is reported on
 * stderr and skipped.
 */

namespace WHMCS\Sandbox\Cron\Task;

use WHMCS\Database\Capsule;
use WHMCS\Sandbox\Cron\Output;
use WHMCS\Sandbox\ModuleException;
use WHMCS\Sandbox\ServerModule;

class EnabledServers
{
    /** @return array<int, array{0: object, 1: ServerModule}> [server row, module] pairs */
    public static function withModules(Output $out)
    {
        $pairs = [];
        foreach (Capsule::table('tblservers')->where('disabled', 0)->orderBy('name')->orderBy('id')->get() as $server) {
            try {
                $pairs[] = [$server, new ServerModule((string) $server->type)];
            } catch (ModuleException $e) {
                $out->warning('server ID ' . $server->id . ': module "' . $server->type . '" is not installed under '
                    . ROOTDIR . '/modules/servers (' . $e->getMessage() . ')');
            }
        }
        return $pairs;
    }
}
