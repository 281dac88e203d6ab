# SPDX-License-Identifier: BSD-3-Clause
"""lispgw-cp drops root for privileges.user (default lispgw) once its
sockets are bound (docs/security.md, "Privilege separation"), and
lispgw-dp gives its channel socket to that account.  For the lab, as root:
the account exists (scripts/lib/user.sh, as scripts/test.sh makes it), and
the folder of a lispgw-cp's configuration is the account's, so that after
the drop it still reads the file on SIGHUP, its certificates and keys,
and writes its agents state there.  Not root: nothing to do, the daemons
keep the caller's uid."""
import os
import pwd
import stat
import subprocess
import tempfile

from . import REPO

USER = os.environ.get("LISPGW_USER", "lispgw")
_ready = False


def is_root():
    return os.geteuid() == 0


def ensure_user():
    """The account exists (created once, idempotent, parallel-safe)."""
    global _ready
    if _ready or not is_root():
        return
    try:
        pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(["bash", "-c", '. "$1" && ensure_user "$2"', "user.sh",
                        os.path.join(REPO, "scripts", "lib", "user.sh"), USER],
                       check=True, timeout=60)
    _ready = True


def ids():
    """(uid, gid) of the account lispgw-cp becomes."""
    ensure_user()
    pw = pwd.getpwnam(USER)
    return pw.pw_uid, pw.pw_gid


def share(folder):
    """folder (and the folders in it) open to the account's group, root
    staying their owner, and the files only their owner may read (keys)
    given to the account.  Root keeps the folders because tools that drop
    capabilities as root (dumpcap writing a capture) have no other right
    to them; world-readable files (configurations) need nothing; sockets
    and links are left alone (lispgw-dp's socket has channel.socket-user)."""
    if not is_root() or not folder or not os.path.isdir(folder):
        return
    # Only the labs' own temporary folders, never the repository's.
    tmp = os.path.realpath(tempfile.gettempdir())
    if not os.path.realpath(folder).startswith(tmp + os.sep):
        return
    uid, gid = ids()
    for top, dirs, files in os.walk(folder):
        os.chown(top, -1, gid)
        os.chmod(top, os.stat(top).st_mode | stat.S_IRWXG)
        for name in files:
            p = os.path.join(top, name)
            try:
                st = os.lstat(p)
                if stat.S_ISREG(st.st_mode) and not st.st_mode & stat.S_IROTH:
                    os.chown(p, uid, gid)
            except FileNotFoundError:   # removed meanwhile
                pass


def conf_folder(args):
    """The folder of lispgw-cp's -c FILE in args, else None."""
    args = [str(a) for a in args]
    if not args or os.path.basename(args[0]) != "lispgw-cp" or "-n" in args:
        return None
    for i, a in enumerate(args[:-1]):
        if a == "-c":
            return os.path.dirname(os.path.abspath(args[i + 1]))
    return None
