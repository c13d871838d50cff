<?php
/**
 * Reading API request values the way WHMCS reads them: flags by PHP truthiness (so "false" is
 * on and "0" or "" is off, as a live install answers; see docs/sandbox.md), ids as integers,
 * the array parameters (pid[], domain[] ...) as lists, a single value counting as a one-item list.
 */

namespace WHMCS\Sandbox\Api;

class Input
{
    public static function flag(array $values, $name)
    {
        return !empty($values[$name]);
    }

    public static function has(array $values, $name)
    {
        return array_key_exists($name, $values) && $values[$name] !== null;
    }

    /** An id or number; 0 when absent or not a scalar. */
    public static function int(array $values, $name)
    {
        $value = $values[$name] ?? 0;
        return is_scalar($value) ? (int) $value : 0;
    }

    public static function string(array $values, $name)
    {
        $value = $values[$name] ?? '';
        return is_scalar($value) ? trim((string) $value) : '';
    }

    /** A value as given, untrimmed (passwords); '' when absent or not a scalar. */
    public static function raw(array $values, $name)
    {
        $value = $values[$name] ?? '';
        return is_scalar($value) ? (string) $value : '';
    }

    /** Element $index of a list parameter as text ('' when absent or not a scalar). */
    public static function itemText(array $list, $index)
    {
        $value = $list[$index] ?? '';
        return is_scalar($value) ? trim((string) $value) : '';
    }

    /** A list parameter, re-indexed from 0 (JSON objects with numeric keys keep their order). */
    public static function items(array $values, $name)
    {
        if (!isset($values[$name])) {
            return [];
        }
        return is_array($values[$name]) ? array_values($values[$name]) : [$values[$name]];
    }

    /** The service id of the Module* actions: serviceid, or accountid (its name before 7.7). */
    public static function serviceId(array $values)
    {
        $id = self::int($values, 'serviceid');
        return $id !== 0 ? $id : self::int($values, 'accountid');
    }
}
