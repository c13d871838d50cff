<?php
/**
 * A task's tbltask_status row, kept as WHMCS keeps it (WHMCS\Scheduling\Task\Status and the
 * cron's TaskCollectionHelper):
 *  - due when next_due (seconds dropped) is not in the future; a row never run is due;
 *  - before a run: last_run = now, in_progress = 1, and, unless the run is forced (--force, do),
 *    next_due = now + frequency minutes with seconds set to 00 (a forced run leaves next_due);
 *  - after the run: in_progress = 0.
 */

namespace WHMCS\Sandbox\Cron;

use WHMCS\Database\Capsule;

class TaskStatus
{
    const ZERO = '0000-00-00 00:00:00';

    /** @var int */
    private $taskId;

    private function __construct($taskId)
    {
        $this->taskId = (int) $taskId;
    }

    /** The status of task $taskId, its row created (firstOrCreate) when missing. */
    public static function forTask($taskId)
    {
        if (!Capsule::table('tbltask_status')->where('task_id', $taskId)->exists()) {
            $now = date('Y-m-d H:i:s');
            Capsule::table('tbltask_status')->insert([
                'task_id' => $taskId, 'in_progress' => 0, 'last_run' => self::ZERO, 'next_due' => self::ZERO,
                'created_at' => $now, 'updated_at' => $now,
            ]);
        }
        return new self($taskId);
    }

    private function row()
    {
        return Capsule::table('tbltask_status')->where('task_id', $this->taskId)->orderBy('id')->first();
    }

    public function isInProgress()
    {
        return (bool) $this->row()->in_progress;
    }

    public function isDueNow()
    {
        $nextDue = (string) $this->row()->next_due;
        if ($nextDue === '' || $nextDue === self::ZERO) {
            return true;
        }
        return substr($nextDue, 0, 16) . ':00' <= date('Y-m-d H:i:s');
    }

    public function startRun($setNextDue, $frequencyMinutes)
    {
        $now = time();
        $fields = ['last_run' => date('Y-m-d H:i:s', $now), 'in_progress' => 1];
        if ($setNextDue) {
            $fields['next_due'] = date('Y-m-d H:i:00', $now + 60 * (int) $frequencyMinutes);
        }
        $this->update($fields);
    }

    public function endRun()
    {
        $this->update(['in_progress' => 0]);
    }

    private function update(array $fields)
    {
        Capsule::table('tbltask_status')->where('task_id', $this->taskId)
            ->update($fields + ['updated_at' => date('Y-m-d H:i:s')]);
    }
}
