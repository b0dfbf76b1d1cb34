/*
 * tsvirt-lxc-init: the few system calls of a container start that no program of util-linux can
 * make in the right order from inside the new namespaces (see the README: "Why a helper").
 *
 *   tsvirt-lxc-init run [OPTIONS] -- INIT [ARG...]
 *
 * `run` makes the container's namespaces (user first when --userns, so that it owns the others)
 * and forks their pid 1; the parent waits for it and ends as it ends (its exit status, or the
 * signal that killed it), like `unshare --fork --kill-child`. The child has the console pty
 * slave on fds 0-2 and a socket to its starter (the driver, or the controller after a reboot)
 * on fd 3. It sends `pid HOSTPID` and waits for the starter's `join TEXT`, `cgroup DIR`... and
 * `go` lines (the starter has then written the id maps and moved the veths in): it writes TEXT
 * into each DIR's cgroup.procs, so that it and all it starts are in the container's cgroup,
 * builds the root, pivots into it, and executes init. Any failure is sent as `error TEXT` on
 * fd 3; the socket reaches its end when init is executed.
 *
 * Before forking, the parent sends `allow b|c MAJ:MIN PERMS` on fd 3 for every block device it
 * will mount and every --devnode, for the starter to allow in the devices cgroup.
 *
 * With --controller NODE SCRIPT PARAMS (a first start by the driver), the parent first opens the
 * console pty itself and starts the container's controller (`NODE SCRIPT PARAMS`, its child in a
 * session of its own: fd 3 the driver's word pipe, which the driver passes as fd 4, fds 4 and 5
 * the pty's master and slave), and sends `controller PID PTYNUMBER`; the container gets the pty's
 * slave as its console. One process started by the driver does what took three.
 *
 *   tsvirt-lxc-init devnode PID HOST PATH   (live attach) the node of --devnode, made in the
 *                                           mount namespace of PID
 *   tsvirt-lxc-init rmnode PID PATH         (live detach) removes it again
 *
 * Options, applied in this order whatever their order on the command line:
 *   --userns               become root of the user namespace (its maps are written by then)
 *   --root DIR [ro|rw]     the container's root (bound onto itself)
 *   --bind SRC DST ro|rw   a bind mount; DST is inside the container
 *   --tmpfs DST KIB        a tmpfs (0: no size limit)
 *   --block SRC DST ro|rw loop|dev
 *                          a file system on a block device (dev) or in an image file (loop: the
 *                          parent attaches it to a free loop device with autoclear and holds it, so
 *                          the loop device goes when the container's last mount of it does), its
 *                          type detected as mount(8) does
 *   --root-block SRC ro|rw loop|dev STAGE
 *                          the root from a block device or image, mounted on STAGE (a host
 *                          directory, private to this mount namespace) and used as --root
 *   --devnode HOST PATH    a device node like the host's HOST made at PATH in the container
 *                          (a host device given as <hostdev>)
 *   --proc-file SRC NAME   SRC bound over the container's /proc/NAME once /proc is mounted
 *                          (the controller's live /proc/meminfo: a FIFO, made when missing)
 *   --hostname NAME        (not set when the UTS namespace is shared)
 *   --share net|ipc|uts FILE  join that namespace (a /proc/PID/ns or /run/netns file) instead of making one
 *   --uid N --gid N        identity of init (after the root is built)
 *   --cwd DIR              working directory of init
 *   --env NAME=VALUE       init's environment (nothing else is passed)
 *   --end-file PATH        where the outer process writes `exit N` or `signal N` when init has
 *                          ended (written to PATH.tmp, then renamed)
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
#include <linux/loop.h>
#include <unistd.h>

#define SYNC_FD 3
/* With --controller: the driver's word pipe, handed on to the controller as its fd 3. */
#define WORD_FD 4
#define MAX_ITEMS 256

/* Where failures are told: the controller's socket, or stderr in the one-shot modes. */
static int err_fd = SYNC_FD;

enum mount_kind { M_BIND, M_TMPFS, M_BLOCK };
/* One mount of the container, in the order given (parents before children). */
struct mnt { enum mount_kind kind; const char *src, *dst, *kib; int ro, loop; };
struct bind { const char *src, *dst; int ro; };
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
    if (write(err_fd, msg, n) < 0) _exit(126);
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

/* A device node at DST like the host's HOST; in a user namespace mknod is refused, so HOST is bound instead. */
static void make_node(const char *dst, const char *host, mode_t mode, dev_t dev)
{
    if (mknod(dst, mode, dev) == 0) { chmod(dst, mode & 07777); return; }
    if (errno != EPERM) fail("Failed to make device %s: %s", dst, strerror(errno));
    bind_mount(host, dst, 0);
}

static void make_device(const char *root, const char *name, int major, int minor)
{
    char *dst = join(root, name);
    make_node(dst, name, S_IFCHR | 0666, makedev(major, minor));
    free(dst);
}

/* A <hostdev>'s host node, opened (O_PATH) before anything changes the view of the file system. */
struct hostnode { int fd; struct stat st; };

static struct hostnode open_hostnode(const char *host)
{
    struct hostnode h;
    h.fd = open(host, O_PATH | O_CLOEXEC);
    if (h.fd < 0 || fstat(h.fd, &h.st) < 0) fail("Unable to access %s: %s", host, strerror(errno));
    return h;
}

/* Makes the node at PATH under ROOT: the host's type and numbers, mode 0700 as libvirt makes them. */
static void make_hostdev_node(const char *root, struct hostnode h, const char *path)
{
    char *dst = join(root, path);
    char *dir = strdup(dst);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) { *slash = 0; make_dirs(dir); }
    free(dir);
    char via[64];
    snprintf(via, sizeof(via), "/proc/self/fd/%d", h.fd);
    make_node(dst, via, (h.st.st_mode & S_IFMT) | 0700, h.st.st_rdev);
    free(dst);
}

/* Tells the controller a device the container needs in its devices cgroup. */
static void send_allow(const char *path, const char *perms)
{
    struct stat st;
    if (stat(path, &st) < 0) fail("Unable to access %s: %s", path, strerror(errno));
    char msg[96];
    int n = snprintf(msg, sizeof(msg), "allow %c %u:%u %s\n", S_ISBLK(st.st_mode) ? 'b' : 'c', major(st.st_rdev), minor(st.st_rdev), perms);
    if (write(SYNC_FD, msg, n) != n) _exit(124);
}

/*
 * Attaches FILE to a free loop device with autoclear (LOOP_CONFIGURE) and returns its name; the
 * descriptor stays open in this process, so the device lives while it or a mount holds it.
 */
static char *attach_loop(const char *file, int ro)
{
    int ffd = open(file, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (ffd < 0) fail("Unable to open %s: %s", file, strerror(errno));
    int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
    if (ctl < 0) fail("Unable to open /dev/loop-control: %s", strerror(errno));
    for (int tries = 0; tries < 64; tries++) {
        int n = ioctl(ctl, LOOP_CTL_GET_FREE);
        if (n < 0) fail("Unable to get free loop device: %s", strerror(errno));
        char *dev;
        if (asprintf(&dev, "/dev/loop%d", n) < 0) fail("out of memory");
        int lfd = open(dev, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
        if (lfd < 0) fail("Unable to open %s: %s", dev, strerror(errno));
        struct loop_config cfg;
        memset(&cfg, 0, sizeof(cfg));
        cfg.fd = ffd;
        cfg.info.lo_flags = LO_FLAGS_AUTOCLEAR | (ro ? LO_FLAGS_READ_ONLY : 0);
        snprintf((char *)cfg.info.lo_file_name, LO_NAME_SIZE, "%s", file);
        if (ioctl(lfd, LOOP_CONFIGURE, &cfg) == 0) {
            close(ffd);
            close(ctl);
            return dev;
        }
        int err = errno;
        close(lfd);
        free(dev);
        /* Taken by someone else between GET_FREE and CONFIGURE: ask again. */
        if (err != EBUSY) fail("Unable to attach %s to loop device: %s", file, strerror(err));
    }
    fail("Unable to attach %s to loop device: no free device", file);
    return NULL;
}

/* Mounts a block device, trying the host's block file systems in turn as mount(8) does for auto. */
static void mount_block(const char *src, const char *dst, int ro)
{
    make_dirs(dst);
    FILE *f = fopen("/proc/filesystems", "re");
    if (!f) fail("Unable to read /proc/filesystems: %s", strerror(errno));
    char line[128];
    int last = ENODEV;
    while (fgets(line, sizeof(line), f)) {
        if (strncmp(line, "nodev", 5) == 0) continue;
        char *type = line + strspn(line, " \t");
        type[strcspn(type, "\n")] = 0;
        if (!*type) continue;
        if (mount(src, dst, type, ro ? MS_RDONLY : 0, NULL) == 0) { fclose(f); return; }
        last = errno;
        if (last != EINVAL && last != ENODEV && last != ENOTBLK && last != EUCLEAN && last != ENOENT) break;
    }
    fclose(f);
    if (last == EINVAL || last == ENODEV) fail("Failed to mount device %s to %s, unable to detect filesystem", src, dst);
    fail("Failed to mount device %s to %s: %s", src, dst, strerror(last));
}

/* setns into the mount namespace of PID, for the live devnode/rmnode modes. */
static void enter_mounts(const char *pid)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%s/ns/mnt", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || setns(fd, CLONE_NEWNS) < 0) fail("Unable to enter the mount namespace of %s: %s", pid, strerror(errno));
    close(fd);
}

static int mode_rmnode(const char *pid, const char *path)
{
    enter_mounts(pid);
    umount2(path, MNT_DETACH);
    if (unlink(path) < 0 && errno != ENOENT) fail("Unable to remove device %s: %s", path, strerror(errno));
    return 0;
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

static void send_line(const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (n < 0 || n >= (int)sizeof(msg) || write(SYNC_FD, msg, n) != n) _exit(124);
}

/* One line from the starter (without its newline); the socket's end is the starter gone. */
static char *read_line(void)
{
    static char line[4096];
    size_t n = 0;
    for (;;) {
        ssize_t got = read(SYNC_FD, line + n, 1);
        if (got < 0 && errno == EINTR) continue;
        if (got != 1) _exit(124);
        if (line[n] == '\n') { line[n] = 0; return line; }
        if (++n == sizeof(line)) fail("line from the starter too long");
    }
}

/*
 * Writes TEXT (the process itself: "0", or its host pid in a fake tree) into DIR's `tasks` (v1:
 * this process has one thread, and moving a thread spares the RCU grace period that moving a
 * thread group through cgroup.procs waits for, 10 ms and more per start) or cgroup.procs (v2).
 */
static void join_cgroup(const char *dir, const char *text)
{
    char *path = join(dir, "tasks");
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        free(path);
        path = join(dir, "cgroup.procs");
        /* Created in a fake tree of plain files (tests); a real one has it. */
        fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    }
    if (fd < 0 || write(fd, text, strlen(text)) < 0) fail("Unable to write to '%s': %s", path, strerror(errno));
    close(fd);
    free(path);
}

/* Tells the starter init's host pid, then waits for its word: the cgroup to join, then go. */
static void sync_with_starter(void)
{
    char self[64] = "";
    ssize_t len = readlink("/proc/self", self, sizeof(self) - 1);
    if (len <= 0) fail("cannot read /proc/self: %s", strerror(errno));
    self[len] = 0;
    send_line("pid %s\n", self);
    char text[64] = "0";
    for (char *l = read_line(); strcmp(l, "go") != 0; l = read_line()) {
        if (!strncmp(l, "join ", 5)) snprintf(text, sizeof(text), "%s", l + 5);
        else if (!strncmp(l, "cgroup ", 7)) join_cgroup(l + 7, text);
        else fail("unknown word from the starter: %s", l);
    }
}

/* Opens a new pty pair (both ends close-on-exec) and returns the slave's number. */
static int open_pty(int *master, int *slave)
{
    int unlock = 0, n = -1;
    *master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (*master < 0 || ioctl(*master, TIOCSPTLCK, &unlock) < 0 || ioctl(*master, TIOCGPTN, &n) < 0)
        fail("cannot set up the console pty: %s", strerror(errno));
    char path[32];
    snprintf(path, sizeof(path), "/dev/pts/%d", n);
    *slave = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (*slave < 0) fail("cannot open the console pty %s: %s", path, strerror(errno));
    return n;
}

/*
 * Starts the controller, a child of this process in a session of its own: fd 3 the driver's word
 * pipe, fds 4 and 5 the pty; reports `controller PID N` at once. `check` gets the errno of an
 * execution that failed, or its end when the controller runs (see controller_ran).
 */
static pid_t start_controller(char **ctl, int master, int slave, int ptynum, int *check)
{
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) < 0) fail("cannot run the controller: %s", strerror(errno));
    pid_t c = fork();
    if (c < 0) fail("cannot run the controller: %s", strerror(errno));
    if (c == 0) {
        setsid();
        /* master and slave are above 5 (0-4 were taken when they were opened). */
        if (dup2(WORD_FD, 3) < 0 || dup2(master, 4) < 0 || dup2(slave, 5) < 0) _exit(1);
        execv(ctl[0], ctl);
        int err = errno;
        if (write(pipefd[1], &err, sizeof(err)) < 0) _exit(127);
        _exit(127);
    }
    close(pipefd[1]);
    *check = pipefd[0];
    send_line("controller %d %d\n", (int)c, ptynum);
    return c;
}

/* Tells the starter when the controller could not be executed (read once the container is forked, off the start's path). */
static void controller_ran(int check, const char *node)
{
    if (check < 0) return;
    int err = 0;
    while (read(check, &err, sizeof(err)) < 0 && errno == EINTR) {}
    close(check);
    if (err) send_line("error cannot run the controller %s: %s\n", node, strerror(err));
}

/*
 * Where the outer process records how init ended (--end-file), for a controller that is not its
 * parent. Its directory is opened before anything is unshared: the outer process shares the
 * container's mount namespace, whose pivot_root moves its root too, so the host's paths are
 * reached through that descriptor only.
 */
static const char *end_file;
static int end_dir = -1;

static void open_end_dir(void)
{
    if (!end_file) return;
    char *dir = strdup(end_file);
    char *slash = strrchr(dir, '/');
    if (!slash) fail("--end-file needs an absolute path");
    *slash = 0;
    end_dir = open(*dir ? dir : "/", O_DIRECTORY | O_PATH | O_CLOEXEC);
    if (end_dir < 0) fail("Unable to open %s: %s", dir, strerror(errno));
    end_file = strrchr(end_file, '/') + 1;
    free(dir);
}

static void record_end(int status)
{
    if (end_dir < 0) return;
    char tmp[4096], line[32];
    snprintf(tmp, sizeof(tmp), "%s.tmp", end_file);
    int n = WIFEXITED(status) ? snprintf(line, sizeof(line), "exit %d\n", WEXITSTATUS(status)) : snprintf(line, sizeof(line), "signal %d\n", WTERMSIG(status));
    int fd = openat(end_dir, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return;
    if (write(fd, line, n) == n && close(fd) == 0) renameat(end_dir, tmp, end_dir, end_file);
    else unlinkat(end_dir, tmp, 0);
}

/* The parent stays to be waited for: it ends as init ended, so its parent sees init's end, and
   records that end in --end-file for the controller, which may not be its parent. */
static int wait_and_mirror(pid_t child)
{
    close(SYNC_FD);
    int status;
    /* Any other child is the controller, reaped when it ends (a dead one is gone, never a zombie). */
    for (pid_t w = -1; w != child;) {
        w = waitpid(-1, &status, 0);
        if (w < 0 && errno != EINTR) return 1;
    }
    record_end(status);
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
    if (argc == 5 && strcmp(argv[1], "devnode") == 0) {
        err_fd = 2;
        struct hostnode h = open_hostnode(argv[3]);
        enter_mounts(argv[2]);
        make_hostdev_node("/", h, argv[4]);
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "rmnode") == 0) {
        err_fd = 2;
        return mode_rmnode(argv[2], argv[3]);
    }
    if (argc < 2 || strcmp(argv[1], "run") != 0) {
        fprintf(stderr, "usage: tsvirt-lxc-init devnode PID HOST PATH | rmnode PID PATH | run [OPTIONS] -- INIT [ARG...]\n");
        return 2;
    }
    const char *root = NULL, *hostname = NULL, *cwd = "/";
    int root_ro = 0, userns = 0;
    struct mnt root_block = { M_BLOCK, NULL, NULL, NULL, 0, 0 };
    long uid = -1, gid = -1;
    struct mnt mounts[MAX_ITEMS];
    struct bind devnodes[MAX_ITEMS];
    char *env[MAX_ITEMS + 1];
    struct bind procfiles[MAX_ITEMS];
    struct share shares[3];
    char *ctl[4] = { NULL, NULL, NULL, NULL };
    int nmounts = 0, ndevnodes = 0, nenv = 0, nprocfiles = 0, nshares = 0, i;
    for (i = 2; i < argc && strcmp(argv[i], "--") != 0; i++) {
        const char *o = argv[i];
        int left = argc - i - 1;
        if (!strcmp(o, "--userns")) userns = 1;
        else if (!strcmp(o, "--root") && left >= 2) { root = argv[++i]; root_ro = !strcmp(argv[++i], "ro"); }
        else if (!strcmp(o, "--root-block") && left >= 4) {
            root_block.src = argv[i + 1]; root_block.ro = !strcmp(argv[i + 2], "ro"); root_block.loop = !strcmp(argv[i + 3], "loop");
            root_block.dst = root = argv[i + 4]; root_ro = root_block.ro; i += 4;
        } else if (!strcmp(o, "--bind") && left >= 3 && nmounts < MAX_ITEMS) {
            mounts[nmounts++] = (struct mnt){ M_BIND, argv[i + 1], argv[i + 2], NULL, !strcmp(argv[i + 3], "ro"), 0 };
            i += 3;
        } else if (!strcmp(o, "--tmpfs") && left >= 2 && nmounts < MAX_ITEMS) {
            mounts[nmounts++] = (struct mnt){ M_TMPFS, NULL, argv[i + 1], argv[i + 2], 0, 0 };
            i += 2;
        } else if (!strcmp(o, "--block") && left >= 4 && nmounts < MAX_ITEMS) {
            mounts[nmounts++] = (struct mnt){ M_BLOCK, argv[i + 1], argv[i + 2], NULL, !strcmp(argv[i + 3], "ro"), !strcmp(argv[i + 4], "loop") };
            i += 4;
        } else if (!strcmp(o, "--devnode") && left >= 2 && ndevnodes < MAX_ITEMS) {
            devnodes[ndevnodes].src = argv[i + 1]; devnodes[ndevnodes].dst = argv[i + 2]; ndevnodes++; i += 2;
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
        else if (!strcmp(o, "--end-file") && left >= 1) end_file = argv[++i];
        else if (!strcmp(o, "--env") && left >= 1 && nenv < MAX_ITEMS) env[nenv++] = argv[++i];
        else if (!strcmp(o, "--controller") && left >= 3) { ctl[0] = argv[i + 1]; ctl[1] = argv[i + 2]; ctl[2] = argv[i + 3]; i += 3; }
        else fail("bad helper option %s", o);
    }
    env[nenv] = NULL;
    if (!root || i + 1 >= argc) fail("helper needs --root and an init");
    char **init = argv + i + 1;

    /* A first start: the console pty and the controller, while the driver makes the cgroup. */
    int console = -1, check = -1;
    if (ctl[0]) {
        int master;
        int n = open_pty(&master, &console);
        start_controller(ctl, master, console, n, &check);
        close(master);
        close(WORD_FD);
    }
    for (int f = 0; f < nprocfiles; f++)
        if (mkfifo(procfiles[f].src, 0444) < 0 && errno != EEXIST) fail("Unable to create %s: %s", procfiles[f].src, strerror(errno));

    /* Images go on loop devices held by this process (the container's outer process, alive as long
       as the container), and every device the container needs is told to the controller. */
    if (root_block.src) {
        if (root_block.loop) root_block.src = attach_loop(root_block.src, root_block.ro);
        send_allow(root_block.src, root_block.ro ? "r" : "rw");
    }
    for (int m = 0; m < nmounts; m++) {
        if (mounts[m].kind != M_BLOCK) continue;
        if (mounts[m].loop) mounts[m].src = attach_loop(mounts[m].src, mounts[m].ro);
        send_allow(mounts[m].src, mounts[m].ro ? "r" : "rw");
    }
    for (int d = 0; d < ndevnodes; d++) send_allow(devnodes[d].src, "rwm");

    open_end_dir();
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
    if (child > 0) {
        controller_ran(check, ctl[0]);
        return wait_and_mirror(child);
    }
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) fail("cannot set the parent death signal: %s", strerror(errno));
    if (console >= 0 && (dup2(console, 0) < 0 || dup2(console, 1) < 0 || dup2(console, 2) < 0))
        fail("cannot open the console: %s", strerror(errno));

    sync_with_starter();
    if (userns && (setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
        fail("setuid or setgid failed: %s", strerror(errno));
    loopback_up();
    /* The cgroup namespace is made now, once this process sits in the container's cgroup. */
    if (unshare(CLONE_NEWCGROUP) < 0 && errno != EINVAL) fail("cannot unshare the cgroup namespace: %s", strerror(errno));
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) fail("Failed to make root private: %s", strerror(errno));
    if (root_block.src) mount_block(root_block.src, root, root_block.ro);
    if (mount(root, root, NULL, MS_BIND | MS_REC, NULL) < 0) fail("Failed to bind %s to new root %s: %s", root, root, strerror(errno));
    if (root_ro && mount(root, root, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC, NULL) < 0)
        fail("Failed to make new root %s readonly: %s", root, strerror(errno));
    for (int m = 0; m < nmounts; m++) {
        char *dst = join(root, mounts[m].dst);
        if (mounts[m].kind == M_BIND) bind_mount(mounts[m].src, dst, mounts[m].ro);
        else if (mounts[m].kind == M_BLOCK) mount_block(mounts[m].src, dst, mounts[m].ro);
        else {
            char opts[64];
            if (strcmp(mounts[m].kib, "0") == 0) snprintf(opts, sizeof(opts), "mode=755");
            else snprintf(opts, sizeof(opts), "mode=755,size=%sk", mounts[m].kib);
            make_dirs(dst);
            if (mount("tmpfs", dst, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
                fail("Failed to mount directory %s as tmpfs: %s", mounts[m].dst, strerror(errno));
        }
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
    for (int d = 0; d < ndevnodes; d++) make_hostdev_node(root, open_hostnode(devnodes[d].src), devnodes[d].dst);

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
