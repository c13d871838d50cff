<?php
/** What a cron run prints: progress lines with -v on stdout, warnings always on stderr. */

namespace WHMCS\Sandbox\Cron;

class Output
{
    /** @var int 0 quiet, 1..3 for -v, -vv, -vvv */
    private $verbosity;

    public function __construct($verbosity)
    {
        $this->verbosity = (int) $verbosity;
    }

    public function isVerbose()
    {
        return $this->verbosity > 0;
    }

    public function info($line)
    {
        if ($this->verbosity > 0) {
            echo $line, "\n";
        }
    }

    public function warning($line)
    {
        fwrite(STDERR, 'warning: ' . $line . "\n");
    }
}
