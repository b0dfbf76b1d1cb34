/*
 * tsvirt-lxc-init: the few system calls of a container start that no program of util-linux can
 * make in the right order from inside the new namespaces (see the README: "Why a helper").
 *
 *   tsvirt-lxc-init pty                 stdin is a /dev/ptmx master: unlock it, print its number
 *   tsvirt-lxc-init run [OPTIONS] -- INIT [ARG...]
 *
 * `run` makes the container's namespaces (user first when --userns, so that it owns the others)
 * and forks their pid 1; the parent waits for it and ends as it ends (its exit status, or the
 * signal that killed it), like `unshare --fork --kill-child`. The child has the console pty
 * slave on fds 0-2 and a socket to the controller on fd 3. It sends `pid HOSTPID`, waits for one
 * byte (the controller has then placed it in the cgroup, written the id maps and moved the veths
 * in), builds the root, pivots into it, and executes init. Any failure is sent as `error TEXT`
 * on fd 3.
 *
 * Options, applied in this order whatever their order on the command line:
 *   --userns               become root of the user namespace (its maps are written by then)
 *   --root DIR [ro|rw]     the container's root (bound onto itself)
 *   --bind SRC DST ro|rw   a bind mount; DST is inside the container
 *   --tmpfs DST KIB        a tmpfs (0: no size limit)
 *   --proc-file SRC NAME   SRC bound over the container's /proc/NAME once /proc is mounted
 *                          (the controller's live /proc/meminfo)
 *   --hostname NAME        (not set when the UTS namespace is shared)
 *   --share net|ipc|uts FILE  join that namespace (a /proc/PID/ns or /run/netns file) instead of making one
 *   --uid N --gid N        identity of init (after the root is built)
 *   --cwd DIR              working directory of init
 *   --env NAME=VALUE       init's environment (nothing else is passed)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <net/if.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define SYNC_FD 3
#define MAX_ITEMS 256

struct bind { const char *src, *dst; int ro; };
struct tmpfs { const char *dst; const char *kib; };
struct share { const char *ns, *path; };

static void fail(const char *fmt, ...)
{
    char msg[4096];
    int n = snprintf(msg, sizeof(msg), "error ");
    va_list ap;
    va_start(ap, fmt);
    n += vsnprintf(msg + n, sizeof(msg) - n - 2, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof(msg) - 2) n = sizeof(msg) - 2;
    msg[n++] = '\n';
    if (write(SYNC_FD, msg, n) < 0) _exit(126);
    _exit(125);
}

static char *join(const char *root, const char *path)
{
    char *out;
    if (asprintf(&out, "%s/%s", root, path[0] == '/' ? path + 1 : path) < 0) fail("out of memory");
    return out;
}

/* mkdir -p, as libvirt makes missing mount points inside the container. */
static void make_dirs(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof(buf), "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(buf, 0755) < 0 && errno != EEXIST) fail("Failed to create %s: %s", buf, strerror(errno));
        *p = '/';
    }
    if (mkdir(buf, 0755) < 0 && errno != EEXIST) fail("Failed to create %s: %s", buf, strerror(errno));
}

static void make_file(const char *path)
{
    char *dir = strdup(path);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) { *slash = 0; make_dirs(dir); }
    free(dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 && errno != EEXIST) fail("Failed to create bind target %s: %s", path, strerror(errno));
    if (fd >= 0) close(fd);
}

static void do_mount(const char *src, const char *dst, const char *type, unsigned long flags, const char *data)
{
    if (mount(src, dst, type, flags, data) < 0)
        fail("Failed to mount %s on %s type %s flags=0x%lx: %s", src ? src : "none", dst, type ? type : "none", flags, strerror(errno));
}

static void bind_mount(const char *src, const char *dst, int ro)
{
    struct stat st;
    if (stat(src, &st) < 0) fail("Unable to stat bind source %s: %s", src, strerror(errno));
    if (S_ISDIR(st.st_mode)) make_dirs(dst);
    else make_file(dst);
    if (mount(src, dst, NULL, MS_BIND | MS_REC, NULL) < 0)
        fail("Failed to bind mount directory %s to %s: %s", src, dst, strerror(errno));
    if (ro && mount(src, dst, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC, NULL) < 0)
        fail("Failed to make directory %s readonly: %s", dst, strerror(errno));
}

/* A device node; in a user namespace mknod is refused, so the host's node is bound instead. */
static void make_device(const char *root, const char *name, int major, int minor)
{
    char *dst = join(root, name);
    if (mknod(dst, S_IFCHR | 0666, makedev(major, minor)) == 0) { chmod(dst, 0666); free(dst); return; }
    if (errno != EPERM) fail("Failed to make device %s: %s", dst, strerror(errno));
    char *src = join("/", name);
    bind_mount(src, dst, 0);
    free(src);
    free(dst);
}

static void setup_dev(const char *root, int userns)
{
    char *dev = join(root, "/dev");
    make_dirs(dev);
    do_mount("devfs", dev, "tmpfs", MS_NOSUID, "mode=755,size=64k");
    static const struct { const char *name; int major, minor; } nodes[] = {
        { "/dev/null", 1, 3 }, { "/dev/zero", 1, 5 }, { "/dev/full", 1, 7 },
        { "/dev/random", 1, 8 }, { "/dev/urandom", 1, 9 }, { "/dev/tty", 5, 0 },
    };
    for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) make_device(root, nodes[i].name, nodes[i].major, nodes[i].minor);
    char *pts = join(root, "/dev/pts");
    make_dirs(pts);
    /* gid 5 (tty) exists only when the container shares the host's ids. */
    do_mount("devpts", pts, "devpts", MS_NOSUID, userns ? "newinstance,ptmxmode=0666,mode=0620" : "newinstance,ptmxmode=0666,mode=0620,gid=5");
    static const struct { const char *target, *name; } links[] = {
        { "pts/ptmx", "/dev/ptmx" }, { "/proc/self/fd", "/dev/fd" }, { "/proc/self/fd/0", "/dev/stdin" },
        { "/proc/self/fd/1", "/dev/stdout" }, { "/proc/self/fd/2", "/dev/stderr" },
    };
    for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
        char *p = join(root, links[i].name);
        if (symlink(links[i].target, p) < 0) fail("Failed to symlink device %s to %s: %s", p, links[i].target, strerror(errno));
        free(p);
    }
    /* The console is the controller's pty, which is this process's stdin. */
    char *tty = ttyname(0);
    if (!tty) fail("Failed to open tty: %s", strerror(errno));
    char *console = join(root, "/dev/console");
    char *tty1 = join(root, "/dev/tty1");
    bind_mount(tty, console, 0);
    bind_mount(tty, tty1, 0);
}

static void setup_proc_sys(const char *root)
{
    char *proc = join(root, "/proc");
    make_dirs(proc);
    do_mount("proc", proc, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    char *procsys = join(root, "/proc/sys");
    do_mount(procsys, procsys, NULL, MS_BIND | MS_REC, NULL);
    do_mount(procsys, procsys, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC, NULL);
    char *sys = join(root, "/sys");
    make_dirs(sys);
    do_mount("sysfs", sys, "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
}

/* Every container's loopback comes up, as libvirt brings it up (no `ip` run needed for it). */
static void loopback_up(void)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) fail("cannot open a socket to bring lo up: %s", strerror(errno));
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    strcpy(ifr.ifr_name, "lo");
    if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) fail("cannot read the flags of lo: %s", strerror(errno));
    ifr.ifr_flags |= IFF_UP;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) fail("cannot bring lo up: %s", strerror(errno));
    close(s);
}

static int mode_pty(void)
{
    int unlock = 0, n = -1;
    if (ioctl(0, TIOCSPTLCK, &unlock) < 0 || ioctl(0, TIOCGPTN, &n) < 0) {
        perror("tsvirt-lxc-init: ptmx");
        return 1;
    }
    printf("%d\n", n);
    return 0;
}

static void sync_with_controller(void)
{
    char self[64] = "";
    ssize_t len = readlink("/proc/self", self, sizeof(self) - 1);
    if (len <= 0) fail("cannot read /proc/self: %s", strerror(errno));
    self[len] = 0;
    char msg[80];
    int n = snprintf(msg, sizeof(msg), "pid %s\n", self);
    if (write(SYNC_FD, msg, n) != n) _exit(124);
    char go;
    if (read(SYNC_FD, &go, 1) != 1) _exit(124);
}

/* The parent stays to be waited for: it ends as init ended, so its parent sees init's end. */
static int wait_and_mirror(pid_t child)
{
    close(SYNC_FD);
    int status;
    while (waitpid(child, &status, 0) < 0)
        if (errno != EINTR) return 1;
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    int sig = WTERMSIG(status);
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    kill(getpid(), sig);
    return 128 + sig;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "pty") == 0) return mode_pty();
    if (argc < 2 || strcmp(argv[1], "run") != 0) {
        fprintf(stderr, "usage: tsvirt-lxc-init pty | run [OPTIONS] -- INIT [ARG...]\n");
        return 2;
    }
    const char *root = NULL, *hostname = NULL, *cwd = "/";
    int root_ro = 0, userns = 0;
    long uid = -1, gid = -1;
    struct bind binds[MAX_ITEMS];
    struct tmpfs tmpfss[MAX_ITEMS];
    char *env[MAX_ITEMS + 1];
    struct bind procfiles[MAX_ITEMS];
    struct share shares[3];
    int nbinds = 0, ntmpfs = 0, nenv = 0, nprocfiles = 0, nshares = 0, i;
    for (i = 2; i < argc && strcmp(argv[i], "--") != 0; i++) {
        const char *o = argv[i];
        int left = argc - i - 1;
        if (!strcmp(o, "--userns")) userns = 1;
        else if (!strcmp(o, "--root") && left >= 2) { root = argv[++i]; root_ro = !strcmp(argv[++i], "ro"); }
        else if (!strcmp(o, "--bind") && left >= 3 && nbinds < MAX_ITEMS) {
            binds[nbinds].src = argv[i + 1]; binds[nbinds].dst = argv[i + 2]; binds[nbinds].ro = !strcmp(argv[i + 3], "ro");
            nbinds++; i += 3;
        } else if (!strcmp(o, "--tmpfs") && left >= 2 && ntmpfs < MAX_ITEMS) {
            tmpfss[ntmpfs].dst = argv[i + 1]; tmpfss[ntmpfs].kib = argv[i + 2]; ntmpfs++; i += 2;
        } else if (!strcmp(o, "--hostname") && left >= 1) hostname = argv[++i];
        else if (!strcmp(o, "--share") && left >= 2 && nshares < 3) {
            shares[nshares].ns = argv[i + 1]; shares[nshares].path = argv[i + 2]; nshares++; i += 2;
        }
        else if (!strcmp(o, "--proc-file") && left >= 2 && nprocfiles < MAX_ITEMS) {
            procfiles[nprocfiles].src = argv[i + 1]; procfiles[nprocfiles].dst = argv[i + 2]; procfiles[nprocfiles].ro = 1;
            nprocfiles++; i += 2;
        }
        else if (!strcmp(o, "--uid") && left >= 1) uid = atol(argv[++i]);
        else if (!strcmp(o, "--gid") && left >= 1) gid = atol(argv[++i]);
        else if (!strcmp(o, "--cwd") && left >= 1) cwd = argv[++i];
        else if (!strcmp(o, "--env") && left >= 1 && nenv < MAX_ITEMS) env[nenv++] = argv[++i];
        else fail("bad helper option %s", o);
    }
    env[nenv] = NULL;
    if (!root || i + 1 >= argc) fail("helper needs --root and an init");
    char **init = argv + i + 1;

    int flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWPID | (userns ? CLONE_NEWUSER : 0);
    /* <lxc:namespace>: join the shared ones (while still privileged in the host's user namespace)
       and make only the others. */
    for (int s = 0; s < nshares; s++) {
        int type = !strcmp(shares[s].ns, "net") ? CLONE_NEWNET : !strcmp(shares[s].ns, "ipc") ? CLONE_NEWIPC : CLONE_NEWUTS;
        int fd = open(shares[s].path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || setns(fd, type) < 0) fail("failed to join namespace %s: %s", shares[s].path, strerror(errno));
        close(fd);
        flags &= ~type;
    }
    if (unshare(flags) < 0) fail("Failed to run clone container: %s", strerror(errno));
    pid_t child = fork();
    if (child < 0) fail("Failed to run clone container: %s", strerror(errno));
    if (child > 0) return wait_and_mirror(child);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) fail("cannot set the parent death signal: %s", strerror(errno));

    sync_with_controller();
    if (userns && (setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
        fail("setuid or setgid failed: %s", strerror(errno));
    loopback_up();
    /* The cgroup namespace is made now, once this process sits in the container's cgroup. */
    if (unshare(CLONE_NEWCGROUP) < 0 && errno != EINVAL) fail("cannot unshare the cgroup namespace: %s", strerror(errno));
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) fail("Failed to make root private: %s", strerror(errno));
    if (mount(root, root, NULL, MS_BIND | MS_REC, NULL) < 0) fail("Failed to bind %s to new root %s: %s", root, root, strerror(errno));
    if (root_ro && mount(root, root, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC, NULL) < 0)
        fail("Failed to make new root %s readonly: %s", root, strerror(errno));
    for (int b = 0; b < nbinds; b++) {
        char *dst = join(root, binds[b].dst);
        bind_mount(binds[b].src, dst, binds[b].ro);
        free(dst);
    }
    for (int t = 0; t < ntmpfs; t++) {
        char *dst = join(root, tmpfss[t].dst);
        char opts[64];
        if (strcmp(tmpfss[t].kib, "0") == 0) snprintf(opts, sizeof(opts), "mode=755");
        else snprintf(opts, sizeof(opts), "mode=755,size=%sk", tmpfss[t].kib);
        make_dirs(dst);
        if (mount("tmpfs", dst, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
            fail("Failed to mount directory %s as tmpfs: %s", tmpfss[t].dst, strerror(errno));
        free(dst);
    }
    setup_proc_sys(root);
    for (int f = 0; f < nprocfiles; f++) {
        char *name = join("/proc/", procfiles[f].dst);
        char *dst = join(root, name);
        if (mount(procfiles[f].src, dst, NULL, MS_BIND, NULL) < 0)
            fail("Failed to bind %s over %s: %s", procfiles[f].src, name, strerror(errno));
        free(name);
        free(dst);
    }
    setup_dev(root, userns);

    /* pivot_root(".", "."): the old root ends up stacked on the new one and is detached at once. */
    if (chdir(root) < 0) fail("Failed to chdir into %s: %s", root, strerror(errno));
    if (syscall(SYS_pivot_root, ".", ".") < 0) fail("Failed to pivot root: %s", strerror(errno));
    if (umount2(".", MNT_DETACH) < 0) fail("Failed to unmount the old root: %s", strerror(errno));
    if (chdir("/") < 0) fail("Failed to chdir into /: %s", strerror(errno));

    /* A shared UTS namespace keeps its owner's hostname, as libvirt leaves it. */
    if (hostname && (flags & CLONE_NEWUTS) && sethostname(hostname, strlen(hostname)) < 0) fail("Failed to set hostname: %s", strerror(errno));
    if (setsid() < 0) fail("Unable to become session leader: %s", strerror(errno));
    if (ioctl(0, TIOCSCTTY, 1) < 0) fail("cannot make the console the controlling tty: %s", strerror(errno));
    if (gid >= 0 && (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0)) fail("setgid %ld failed: %s", gid, strerror(errno));
    if (uid >= 0 && setresuid(uid, uid, uid) < 0) fail("setuid %ld failed: %s", uid, strerror(errno));
    if (chdir(cwd) < 0) fail("Failed to chdir into %s: %s", cwd, strerror(errno));
    if (fcntl(SYNC_FD, F_SETFD, FD_CLOEXEC) < 0) fail("cannot mark the sync fd close-on-exec: %s", strerror(errno));
    execve(init[0], init, env);
    fail("cannot find init path '%s' relative to container root: %s", init[0], strerror(errno));
    return 1;
}
