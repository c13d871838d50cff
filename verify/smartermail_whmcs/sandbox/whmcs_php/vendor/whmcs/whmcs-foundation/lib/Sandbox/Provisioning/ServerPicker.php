<?php
/**
 * Which server a new service of a product goes to (reference/whmcs.md 1.2, from decoded
 * getServerID(), MEDIUM). Counts are Active + Suspended services per server.
 *  - No server group: the enabled server of the module's type marked active (the default); when
 *    it is full (maxaccounts <= count), the least used other enabled server of that type becomes
 *    the active one and is used.
 *  - Server group, fill type 1: the least used enabled server of the group.
 *  - Server group, fill type 2: the group's active server until it is full, then the least used
 *    other one, which becomes the active one.
 * 0 when there is none.
 */

namespace WHMCS\Sandbox\Provisioning;

use WHMCS\Database\Capsule;

class ServerPicker
{
    const LEAST_FULL = 1;
    const FILL_ACTIVE = 2;

    public static function forProduct($product)
    {
        $type = (string) $product->servertype;
        if ($type === '') {
            return 0;
        }
        $groupId = (int) $product->servergroup;
        if ($groupId === 0) {
            $candidates = Capsule::table('tblservers')->where('type', $type)->where('disabled', 0)->pluck('id')->all();
            return self::activeOrLeastUsed($type, $candidates);
        }
        $candidates = Capsule::table('tblservergroupsrel')->join('tblservers', 'tblservers.id', '=', 'tblservergroupsrel.serverid')
            ->where('tblservergroupsrel.groupid', $groupId)->where('tblservers.disabled', 0)->pluck('tblservers.id')->all();
        $fillType = (int) Capsule::table('tblservergroups')->where('id', $groupId)->value('filltype');
        if ($fillType === self::FILL_ACTIVE) {
            return self::activeOrLeastUsed($type, $candidates);
        }
        return self::leastUsed($candidates);
    }

    /** The active server among $candidates unless full; then the least used other one, made active. */
    private static function activeOrLeastUsed($type, array $candidates)
    {
        $active = Capsule::table('tblservers')->whereIn('id', $candidates ?: [0])->where('active', 1)->orderBy('id')->first();
        if ($active === null) {
            return 0;
        }
        if ((int) $active->maxaccounts > self::usage((int) $active->id)) {
            return (int) $active->id;
        }
        $other = self::leastUsed(array_values(array_diff($candidates, [(int) $active->id])));
        if ($other === 0) {
            return (int) $active->id;
        }
        Capsule::table('tblservers')->where('type', $type)->update(['active' => 0]);
        Capsule::table('tblservers')->where('id', $other)->update(['active' => 1]);
        return $other;
    }

    private static function leastUsed(array $serverIds)
    {
        $best = 0;
        $bestShare = null;
        foreach (Capsule::table('tblservers')->whereIn('id', $serverIds ?: [0])->orderBy('id')->get() as $server) {
            $share = (int) $server->maxaccounts > 0 ? self::usage((int) $server->id) / (int) $server->maxaccounts : INF;
            if ($bestShare === null || $share < $bestShare) {
                $best = (int) $server->id;
                $bestShare = $share;
            }
        }
        return $best;
    }

    private static function usage($serverId)
    {
        return Capsule::table('tblhosting')->where('server', $serverId)
            ->whereIn('domainstatus', ['Active', 'Suspended'])->count();
    }
}
