<?php
/**
 * One run of crons/cron.php, in the order WHMCS 8.x runs it. Sources: whmcs.md §5; WHMCS's
 * console classes as decoded in public code (Cron\Console\Command\AbstractCronCommand, AllCommand,
 * Helper\DailyCronHelper, Helper\TaskCollectionHelper, Scheduling\Task\AbstractTask; MEDIUM);
 * hook points from developers.whmcs.com/hooks-reference/cron (HIGH).
 *
 *  1. Every run: lastCronInvocationTime and cronTimeZone.
 *  2. `all` and `skip` are a daily run when forced (--force) or when the daily run is due
 *     (CronStatus::isDailyRunDue); `do` never is. A daily run starts with
 *     lastDailyCronInvocationTime, the activity line "Cron Job: Starting Daily Automation Tasks"
 *     and the PreCronJob hook: in WHMCS PreCronJob belongs to the start of the daily run
 *     (DailyCronHelper::startDailyCron), not to every five-minute run.
 *  3. Tasks: the enabled tasks (`do`: those named, `skip`: all but those named), then
 *       - forced (--force, or `do`, which implies it): all of them, due or not, next_due kept;
 *       - a daily run: all of them except tasks that skip the daily run (TenantUsageMetrics,
 *         720 min, has skipDailyCron: it runs on its own frequency, never in the daily run),
 *         due or not, next_due moved on;
 *       - any other run: those due (next_due passed) and not in progress, next_due moved on.
 *     WHMCS also holds back tasks of more than a day's frequency outside their day of the month;
 *     the tasks implemented here are all daily or more often.
 *  4. Each task in priority order (CreateInvoices 1520 after TenantUsageMetrics 1519, then
 *     UpdateServerUsage 1660): the activity line "Automated Task: Starting <name>" for tasks of
 *     more than 60 minutes' frequency, hook PreAutomationTask ['task'], the task, in_progress
 *     cleared, hook PostAutomationTask ['task', 'completed']. A task that throws is reported on
 *     stderr and the run carries on (WHMCS counts it as incomplete).
 *  5. The end of a daily run: activity "Cron Job: Completed Daily Automation Tasks", hooks
 *     DailyCronJobPreEmail then DailyCronJob ("at the very end of the daily automation cron
 *     execution"), lastDailyCronEndTime.
 *  6. Every run ends with the AfterCronJob hook ("after all scheduled tasks finish").
 */

namespace WHMCS\Sandbox\Cron;

class Runner
{
    /** @var Options */
    private $options;
    /** @var Output */
    private $out;

    public function __construct(Options $options)
    {
        $this->options = $options;
        $this->out = new Output($options->verbosity);
    }

    /** Run and return the exit code (0: a task's own failure is reported, not fatal). */
    public function run()
    {
        $started = date('Y-m-d H:i:s');
        CronStatus::stampInvocation();
        $daily = $this->isDailyRun();
        if ($daily) {
            CronStatus::stampDailyStart();
            logActivity('Cron Job: Starting Daily Automation Tasks');
            run_hook('PreCronJob', []);
        }
        $tasks = $this->selectTasks($daily);
        foreach ($tasks as $task) {
            TaskStatus::forTask((int) $task->row()->id)
                ->startRun(!$this->options->isForced(), $task->getFrequencyMinutes());
        }
        foreach ($tasks as $task) {
            $this->runTask($task);
        }
        if ($daily) {
            logActivity('Cron Job: Completed Daily Automation Tasks');
            run_hook('DailyCronJobPreEmail', []);
            run_hook('DailyCronJob', []);
            CronStatus::stampDailyEnd();
        }
        run_hook('AfterCronJob', []);
        $names = array_map(function (Task $task) {
            return $task->getSystemName();
        }, $tasks);
        $this->out->info('Cron run at ' . $started . ($daily ? ' (daily run)' : '') . ': '
            . ($names ? implode(', ', $names) : 'no task due'));
        return 0;
    }

    private function isDailyRun()
    {
        if (!in_array($this->options->command, ['all', 'skip'], true)) {
            return false;
        }
        return $this->options->force || CronStatus::isDailyRunDue();
    }

    /** @return Task[] in priority order */
    private function selectTasks($daily)
    {
        $named = $this->options->tasks;
        $command = $this->options->command;
        $selected = [];
        foreach (Tasks::loadAll() as $task) {
            $isNamed = in_array($task->getSystemName(), $named, true);
            if (!$task->isEnabled() || ($command === 'do' && !$isNamed) || ($command === 'skip' && $isNamed)) {
                continue;
            }
            if ($this->options->isForced()) {
                $selected[] = $task;
            } elseif ($daily) {
                if ($task->isDailyTask() && !$task->isSkipDailyCron()) {
                    $selected[] = $task;
                }
            } else {
                $status = TaskStatus::forTask((int) $task->row()->id);
                if (!$status->isInProgress() && $status->isDueNow()) {
                    $selected[] = $task;
                }
            }
        }
        return $selected;
    }

    private function runTask(Task $task)
    {
        if ($task->getFrequencyMinutes() > 60) {
            logActivity('Automated Task: Starting ' . $task->getName());
        }
        $completed = true;
        try {
            run_hook('PreAutomationTask', ['task' => $task]);
            $task->run($this->out);
        } catch (\Throwable $e) {
            $completed = false;
            $this->out->warning('task ' . $task->getSystemName() . ' did not complete: ' . get_class($e) . ': '
                . $e->getMessage());
        } finally {
            TaskStatus::forTask((int) $task->row()->id)->endRun();
            run_hook('PostAutomationTask', ['task' => $task, 'completed' => $completed]);
        }
    }
}
