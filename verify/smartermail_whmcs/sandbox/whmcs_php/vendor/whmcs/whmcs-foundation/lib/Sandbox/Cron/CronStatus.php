<?php
/**
 * Where WHMCS 8.x records cron runs (whmcs.md §5, tblconfiguration): lastCronInvocationTime and
 * cronTimeZone on every run; lastDailyCronInvocationTime when a daily run starts and
 * lastDailyCronEndTime when it ends. The daily run is due on the first run in the hour
 * DailyCronExecutionHour (default 09) of a day that has not had one yet
 * (Cron\Status::isOkayToRunDailyCronNow).
 */

namespace WHMCS\Sandbox\Cron;

use WHMCS\Config\Setting;

class CronStatus
{
    const DEFAULT_DAILY_HOUR = 9;

    public static function stampInvocation()
    {
        Setting::setValue('lastCronInvocationTime', self::now());
        Setting::setValue('cronTimeZone', date_default_timezone_get());
    }

    public static function isDailyRunDue()
    {
        $hour = (string) Setting::getValue('DailyCronExecutionHour');
        $hour = $hour === '' ? self::DEFAULT_DAILY_HOUR : (int) $hour;
        if ((int) date('G') !== $hour) {
            return false;
        }
        return substr((string) Setting::getValue('lastDailyCronInvocationTime'), 0, 10) !== date('Y-m-d');
    }

    public static function stampDailyStart()
    {
        Setting::setValue('lastDailyCronInvocationTime', self::now());
    }

    public static function stampDailyEnd()
    {
        Setting::setValue('lastDailyCronEndTime', self::now());
    }

    private static function now()
    {
        return date('Y-m-d H:i:s');
    }
}
