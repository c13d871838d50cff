<?php
/**
 * The tasks the cron stand-in implements, by their command-line (system) names, and their
 * tbltask rows. WHMCS registers each task in tbltask at install or upgrade (AbstractTask::register:
 * first row of that class, or a new one with the defaults, plus its tbltask_status row); the
 * stand-in does the same for a task whose row is missing, so every task it runs has its row.
 */

namespace WHMCS\Sandbox\Cron;

use WHMCS\Database\Capsule;

class Tasks
{
    const ALL = [
        'UpdateServerUsage' => Task\UpdateServerUsage::class,
        'TenantUsageMetrics' => Task\TenantUsageMetrics::class,
        'CreateInvoices' => Task\CreateInvoices::class,
    ];

    public static function names()
    {
        return array_keys(self::ALL);
    }

    public static function exists($systemName)
    {
        return isset(self::ALL[$systemName]);
    }

    /** Every implemented task with its tbltask row (registered when missing), in priority order. */
    public static function loadAll()
    {
        $tasks = [];
        foreach (self::ALL as $class) {
            $task = new $class();
            $task->setRow(self::register($task));
            $tasks[] = $task;
        }
        usort($tasks, function (Task $a, Task $b) {
            return [$a->getPriority(), $a->getSystemName()] <=> [$b->getPriority(), $b->getSystemName()];
        });
        return $tasks;
    }

    /** The task's tbltask row, inserted with WHMCS's defaults if there is none. */
    private static function register(Task $task)
    {
        $row = Capsule::table('tbltask')->where('class_name', $task::className())->orderBy('id')->first();
        if ($row === null) {
            $now = date('Y-m-d H:i:s');
            $id = Capsule::table('tbltask')->insertGetId($task::defaultAttributes()
                + ['created_at' => $now, 'updated_at' => $now]);
            $row = Capsule::table('tbltask')->where('id', $id)->first();
        }
        TaskStatus::forTask((int) $row->id);  // a registered task always has its status row
        return $row;
    }
}
