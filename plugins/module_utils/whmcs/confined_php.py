# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run code from a module folder through php, confined: as the web user, reading that folder only.

Reading a module's settings means including its PHP, so it runs code from the module source,
which may be an archive from anywhere. php therefore runs:

* as the WHMCS web user when this process is root (setgroups, setgid, setuid in the child), and
  never as root in its place when the named user does not exist; as this process's own user
  otherwise (not root, no web user named, or the web user is root);
* with no php.ini (``-n``: no extension from the host's conf.d, such as FFI), ``open_basedir``
  limited to the module folder, URL wrappers off, and the functions that run processes, open
  network connections or write files disabled;
* with an empty environment, no stdin, file writes capped at 0 bytes (RLIMIT_FSIZE), in the
  module folder, and killed after a timeout.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import pwd
import resource
import shutil
import subprocess
from typing import Callable, List, NamedTuple, Optional, Sequence

__all__ = ["ConfinedPhpError", "PhpIdentity", "confined_php_command", "php_identity", "run_confined_php"]

MEMORY_LIMIT = "256M"
# Process control, network, mail and every function that creates, changes or removes a file.
DISABLED_FUNCTIONS = (
    "exec,passthru,shell_exec,system,proc_open,popen,pcntl_exec,pcntl_fork,pcntl_rfork,pcntl_signal,"
    "pcntl_alarm,posix_kill,posix_mkfifo,posix_mknod,posix_setuid,posix_setgid,posix_seteuid,"
    "posix_setegid,posix_setsid,proc_nice,putenv,dl,mail,mb_send_mail,error_log,openlog,syslog,"
    "fsockopen,pfsockopen,stream_socket_client,stream_socket_server,stream_socket_pair,socket_create,"
    "socket_connect,socket_create_listen,curl_init,curl_exec,curl_multi_exec,ftp_connect,ftp_ssl_connect,"
    "dns_get_record,gethostbyname,gethostbynamel,gethostbyaddr,getmxrr,checkdnsrr,"
    "fopen,tmpfile,tempnam,file_put_contents,fwrite,fputs,fputcsv,ftruncate,touch,mkdir,rmdir,rename,"
    "unlink,copy,link,symlink,chmod,chown,chgrp,lchown,lchgrp,umask,move_uploaded_file,gzopen,gzwrite,"
    "gzputs,openssl_pkey_export_to_file,openssl_x509_export_to_file,openssl_csr_export_to_file,"
    "openssl_pkcs12_export_to_file,openssl_pkcs7_encrypt,openssl_pkcs7_decrypt,openssl_pkcs7_sign,"
    "openssl_cms_encrypt,openssl_cms_decrypt,openssl_cms_sign,session_start"
)
DISABLED_CLASSES = "SplFileObject,SplTempFileObject"


class ConfinedPhpError(ValueError):
    """php cannot be run confined as asked (the web user does not exist)."""


class PhpIdentity(NamedTuple):
    """The user php switches to."""

    name: str
    uid: int
    gid: int
    groups: List[int]


def php_identity(web_user: Optional[str]) -> Optional[PhpIdentity]:
    """Who php runs as: None means this process's own user (not root, no web user, or root named)."""
    if os.geteuid() != 0 or not web_user:
        return None
    try:
        entry = pwd.getpwuid(int(web_user)) if web_user.isdigit() else pwd.getpwnam(web_user)
    except KeyError:
        raise ConfinedPhpError(
            "the web user %r (whmcs_web_user) does not exist on this host, and the module's PHP is "
            "never run as root in its place: set whmcs_web_user to the user the web server runs PHP as"
            % web_user
        ) from None
    if entry.pw_uid == 0:
        return None
    return PhpIdentity(
        entry.pw_name, entry.pw_uid, entry.pw_gid, os.getgrouplist(entry.pw_name, entry.pw_gid)
    )


def confined_php_command(
    php_binary: str, module_dir: str, code: str, args: Sequence[str], timeout: int
) -> List[str]:
    """``php -n -d ... -r CODE -- ARGS``: only ``module_dir`` may be read, nothing written or run."""
    settings = {
        "open_basedir": os.path.realpath(module_dir).rstrip(os.sep) + os.sep,
        "disable_functions": DISABLED_FUNCTIONS,
        "disable_classes": DISABLED_CLASSES,
        "allow_url_fopen": "0",
        "allow_url_include": "0",
        "enable_dl": "0",
        "memory_limit": MEMORY_LIMIT,
        "max_execution_time": str(timeout),
        "display_errors": "stderr",
        "log_errors": "0",
    }
    command = [php_binary, "-n"]
    for name, value in settings.items():
        command += ["-d", "%s=%s" % (name, value)]
    return [*command, "-r", code, "--", *args]


def confine_child(identity: Optional[PhpIdentity]) -> Callable[[], None]:
    """Runs in the child before php starts: no file may grow, then drop to the web user."""

    def confine() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if identity is not None:
            os.setgroups(identity.groups)
            os.setgid(identity.gid)
            os.setuid(identity.uid)

    return confine


def run_confined_php(
    php_binary: str,
    module_dir: str,
    code: str,
    args: Sequence[str],
    identity: Optional[PhpIdentity],
    timeout: int,
) -> "subprocess.CompletedProcess[bytes]":
    """Run ``code`` confined to ``module_dir``; FileNotFoundError when php is not installed.

    subprocess.TimeoutExpired is raised after ``timeout`` seconds (the child is killed).
    """
    # The child's environment is empty, so php is looked up here, on this process's PATH.
    binary = shutil.which(php_binary)
    if binary is None:
        raise FileNotFoundError(php_binary)
    return subprocess.run(
        confined_php_command(binary, module_dir, code, args, timeout),
        capture_output=True,
        timeout=timeout,
        cwd=module_dir,
        stdin=subprocess.DEVNULL,
        env={},
        preexec_fn=confine_child(identity),  # Python 3.8 has no user=/group=/extra_groups= arguments
        check=False,
    )
