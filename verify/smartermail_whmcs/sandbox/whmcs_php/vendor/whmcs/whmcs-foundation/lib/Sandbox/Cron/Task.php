<?php
/**
 * One automation task of the cron stand-in, described as WHMCS describes its own tasks
 * (WHMCS\Scheduling\Task\AbstractTask and the WHMCS\Cron\Task\* classes): the class name recorded
 * in tbltask, the short "system name" used as the command-line option (do --<SystemName>), the
 * default priority (lower runs first), frequency in minutes, name and description written when
 * the task is registered, and whether the daily run leaves it out (skipDailyCron).
 * The tbltask row, once it exists, decides priority, frequency, name and whether it is enabled.
 */

namespace WHMCS\Sandbox\Cron;

abstract class Task
{
    const SYSTEM_NAME = '';
    const PRIORITY = 0;
    const FREQUENCY = 1440;
    const NAME = '';
    const DESCRIPTION = '';
    const SKIP_DAILY_CRON = false;

    /** @var object|null the tbltask row */
    private $row = null;

    /** Do the task's work; $out prints progress (verbose) and warnings (stderr). */
    abstract public function run(Output $out);

    /** WHMCS's class for this task, as tbltask.class_name records it. */
    public static function className()
    {
        return 'WHMCS\\Cron\\Task\\' . static::SYSTEM_NAME;
    }

    /** The defaults WHMCS writes when it registers the task. */
    public static function defaultAttributes()
    {
        return [
            'priority' => static::PRIORITY,
            'class_name' => static::className(),
            'is_enabled' => 1,
            'is_periodic' => 1,
            'frequency' => static::FREQUENCY,
            'name' => static::NAME,
            'description' => static::DESCRIPTION,
        ];
    }

    public function setRow($row)
    {
        $this->row = $row;
        return $this;
    }

    public function row()
    {
        return $this->row;
    }

    private function attribute($name)
    {
        return $this->row !== null && isset($this->row->$name) ? $this->row->$name : static::defaultAttributes()[$name];
    }

    public function getSystemName()
    {
        return static::SYSTEM_NAME;
    }

    public function getName()
    {
        return (string) $this->attribute('name');
    }

    public function getDescription()
    {
        return (string) $this->attribute('description');
    }

    public function getPriority()
    {
        return (int) $this->attribute('priority');
    }

    public function getFrequencyMinutes()
    {
        return (int) $this->attribute('frequency');
    }

    public function isEnabled()
    {
        return (bool) $this->attribute('is_enabled');
    }

    /** Tasks of at most one day's frequency run every day (longer ones only on their day). */
    public function isDailyTask()
    {
        return $this->getFrequencyMinutes() <= 1440;
    }

    public function isSkipDailyCron()
    {
        return (bool) static::SKIP_DAILY_CRON;
    }
}
