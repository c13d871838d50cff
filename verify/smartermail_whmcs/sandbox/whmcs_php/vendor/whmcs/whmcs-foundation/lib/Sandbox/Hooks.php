<?php
/**
 * The hook registry behind add_hook() / run_hook(): callbacks per hook point, run in ascending
 * priority and, within one priority, in the order they were added (WHMCS's documented rule:
 * developers.whmcs.com/hooks/priority).
 */

namespace WHMCS\Sandbox;

class Hooks
{
    /** @var array<string, array<int, array{priority: int, order: int, callback: callable}>> */
    private static $hooks = [];
    /** @var int */
    private static $added = 0;
    /** @var array<int, string> hook points run so far in this process, in order */
    private static $fired = [];

    public static function add($hookPoint, $priority, $callback)
    {
        self::$hooks[(string) $hookPoint][] = [
            'priority' => (int) $priority, 'order' => self::$added++, 'callback' => $callback,
        ];
    }

    /** Run every callback of $hookPoint with $vars; returns their non-empty results, in order. */
    public static function run($hookPoint, array $vars)
    {
        self::$fired[] = (string) $hookPoint;
        $results = [];
        foreach (self::sorted((string) $hookPoint) as $hook) {
            $result = call_user_func($hook['callback'], $vars);
            if ($result !== null && $result !== '' && $result !== []) {
                $results[] = $result;
            }
        }
        return $results;
    }

    public static function has($hookPoint)
    {
        return !empty(self::$hooks[(string) $hookPoint]);
    }

    public static function fired()
    {
        return self::$fired;
    }

    private static function sorted($hookPoint)
    {
        $hooks = self::$hooks[$hookPoint] ?? [];
        usort($hooks, function ($a, $b) {
            return [$a['priority'], $a['order']] <=> [$b['priority'], $b['order']];
        });
        return $hooks;
    }
}
